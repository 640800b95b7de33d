import { describe, expect, it, vi } from 'vitest';
import type { StorageChange } from '../types.js';
import { type ContractContext, expectStorageError, messageInput } from './context.js';

function record(db: { subscribe(l: (c: StorageChange) => void): () => void }) {
  const changes: StorageChange[] = [];
  const stop = db.subscribe((c) => changes.push(c));
  return { changes, stop };
}

export function subscribeRules(ctx: ContractContext): void {
  describe('subscribe and other tabs', () => {
    it('a committed write is reported once, as local, by the time it resolves', async () => {
      const db = await ctx.open();
      const { changes } = record(db);
      const c = await db.createConversation({ projectId: 'p1' });
      expect(changes).toEqual([
        { origin: 'local', projectId: 'p1', conversations: [{ id: c.id, deleted: false }], messages: [] },
      ]);
      const m = await db.saveMessage(messageInput(c));
      expect(changes).toHaveLength(2);
      expect(changes[1]).toMatchObject({
        origin: 'local',
        projectId: 'p1',
        messages: [{ id: m.id, conversationId: c.id, deleted: false }],
      });
    });

    it('saveConversation reports one change for the whole transaction', async () => {
      const db = await ctx.open();
      const { changes } = record(db);
      const conv = { id: 'c1', projectId: 'p1' };
      await db.saveConversation(conv, [messageInput(conv, { id: 'a' }), messageInput(conv, { id: 'b' })]);
      expect(changes).toHaveLength(1);
      expect(changes[0]?.conversations).toEqual([{ id: 'c1', deleted: false }]);
      expect(changes[0]?.messages.map((m) => m.id).sort()).toEqual(['a', 'b']);
    });

    it('deletes are reported with deleted: true', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c));
      const m2 = await db.saveMessage(messageInput(c));
      const { changes } = record(db);
      await db.deleteMessage(m2.id);
      expect(changes[0]?.messages).toEqual([{ id: m2.id, conversationId: c.id, deleted: true }]);
      await db.deleteConversation(c.id);
      expect(changes).toHaveLength(2);
      expect(changes[1]?.conversations).toEqual([{ id: c.id, deleted: true }]);
      expect(changes[1]?.messages).toEqual([{ id: m.id, conversationId: c.id, deleted: true }]);
    });

    it('clearProject reports one change for that project', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1' });
      const b = await db.createConversation({ projectId: 'p1' });
      await db.createConversation({ projectId: 'p2' });
      const { changes } = record(db);
      await db.clearProject('p1');
      expect(changes).toHaveLength(1);
      expect(changes[0]?.projectId).toBe('p1');
      expect(changes[0]?.conversations.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
      expect(changes[0]?.conversations.every((c) => c.deleted)).toBe(true);
    });

    it('a failed write reports nothing', async () => {
      const db = await ctx.open();
      const { changes } = record(db);
      await expectStorageError(db.saveMessage(messageInput({ id: 'ghost', projectId: 'p1' })), 'not-found');
      await expectStorageError(db.updateConversation('ghost', { title: 'x' }), 'not-found');
      expect(changes).toEqual([]);
    });

    it('unsubscribing stops the reports', async () => {
      const db = await ctx.open();
      const { changes, stop } = record(db);
      await db.createConversation({ projectId: 'p1' });
      stop();
      await db.createConversation({ projectId: 'p1' });
      expect(changes).toHaveLength(1);
    });

    it("another tab on the same database hears this tab's writes as other-tab", async () => {
      const name = ctx.newDbName();
      const tabA = await ctx.open(name);
      const tabB = await ctx.open(name);
      const heardByA = record(tabA);
      const heardByB = record(tabB);
      const c = await tabA.createConversation({ projectId: 'p1' });
      await vi.waitFor(() => expect(heardByB.changes).toHaveLength(1), { timeout: 5000 });
      expect(heardByB.changes[0]).toEqual({
        origin: 'other-tab',
        projectId: 'p1',
        conversations: [{ id: c.id, deleted: false }],
        messages: [],
      });
      expect(heardByA.changes.map((x) => x.origin)).toEqual(['local']);
      // And the other tab reads the data itself.
      expect(await tabB.getConversation(c.id)).toEqual(c);
    });

    it('a tab on another database hears nothing', async () => {
      const tabA = await ctx.open();
      const tabB = await ctx.open();
      const heardByB = record(tabB);
      await tabA.createConversation({ projectId: 'p1' });
      // Give a cross-tab message time to arrive if one were (wrongly) sent.
      await new Promise((r) => setTimeout(r, 100));
      expect(heardByB.changes).toEqual([]);
    });
  });
}
