import { describe, expect, it } from 'vitest';
import { ChatStorageError } from '../errors.js';
import { type ContractContext, expectStorageError, messageInput } from './context.js';

/** Text that does not compress: browsers may compress stored values, and quota counts what is stored. */
export function noise(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,';
  let seed = 0x9e3779b9;
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    out += alphabet[seed >>> 26];
  }
  return out;
}

export function errorRules(ctx: ContractContext): void {
  describe('errors', () => {
    it('every call after close() rejects with code closed', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.close();
      const calls: [string, () => Promise<unknown>][] = [
        ['createConversation', () => db.createConversation({ projectId: 'p1' })],
        ['getConversation', () => db.getConversation(c.id)],
        ['listConversations', () => db.listConversations('p1')],
        ['updateConversation', () => db.updateConversation(c.id, { title: 'x' })],
        ['deleteConversation', () => db.deleteConversation(c.id)],
        ['clearProject', () => db.clearProject('p1')],
        ['listProjects', () => db.listProjects()],
        ['saveMessage', () => db.saveMessage(messageInput(c))],
        ['getMessages', () => db.getMessages(c.id)],
        ['loadConversation', () => db.loadConversation(c.id)],
        ['saveConversation', () => db.saveConversation({ id: 'c2', projectId: 'p1' }, [])],
        ['pendingChanges', () => db.pendingChanges(10)],
        ['applyRemote', () => db.applyRemote([])],
        ['getCursor', () => db.getCursor()],
      ];
      for (const [name, call] of calls) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, `${name} after close`).toBeInstanceOf(ChatStorageError);
        expect((error as ChatStorageError).code, name).toBe('closed');
      }
    });

    it('closing twice is harmless', async () => {
      const db = await ctx.open();
      await db.close();
      await expect(db.close()).resolves.toBeUndefined();
    });

    it('errors are ChatStorageErrors a person can act on', async () => {
      const db = await ctx.open();
      const error = await expectStorageError(
        db.saveMessage(messageInput({ id: 'c-missing', projectId: 'p1' })),
        'not-found',
      );
      expect(error.name).toBe('ChatStorageError');
      expect(error.message).toMatch(/c-missing/);
      expect(error.message.length).toBeGreaterThan(20);
    });
  });

  describe.skipIf(!ctx.openWithQuota)('quota', () => {
    const budget = 200_000;
    const big = noise(budget * 2);

    it('a write that exceeds the quota fails with quota-exceeded and leaves nothing half-written', async () => {
      const db = await ctx.openWithQuota!(budget);
      const c = await db.createConversation({ projectId: 'p1', title: 't' });
      const small = await db.saveMessage(messageInput(c, { content: 'small', createdAt: 1 }));
      const before = await db.getConversation(c.id);
      const pendingBefore = await db.pendingCount();
      const error = await expectStorageError(
        db.saveMessage(messageInput(c, { id: 'huge', content: big, createdAt: 2 })),
        'quota-exceeded',
      );
      expect(error.message).toMatch(/storage/i);
      expect(await db.getConversation(c.id)).toEqual(before);
      expect(await db.loadConversation(c.id)).toEqual([small]);
      expect(await db.pendingCount()).toBe(pendingBefore);
      expect(await db.getSyncMetadata('message', 'huge')).toBeUndefined();
    });

    it('a saveConversation that exceeds the quota saves none of its messages', async () => {
      const db = await ctx.openWithQuota!(budget);
      const conv = { id: 'c1', projectId: 'p1', title: 'import' };
      const messages = Array.from({ length: 8 }, (_, i) =>
        messageInput(conv, { id: `m${i}`, content: noise(budget / 4), createdAt: i }),
      );
      await expectStorageError(db.saveConversation(conv, messages), 'quota-exceeded');
      expect(await db.getConversation('c1')).toBeUndefined();
      expect(await db.loadConversation('c1')).toEqual([]);
      expect(await db.pendingChanges(100)).toEqual([]);
    });

    it('after a quota failure, smaller writes still succeed', async () => {
      const db = await ctx.openWithQuota!(budget);
      const c = await db.createConversation({ projectId: 'p1' });
      await expectStorageError(db.saveMessage(messageInput(c, { content: big })), 'quota-exceeded');
      const ok = await db.saveMessage(messageInput(c, { content: 'fits' }));
      expect(await db.loadConversation(c.id)).toEqual([ok]);
      expect((await db.getConversation(c.id))?.messageCount).toBe(1);
    });
  });
}
