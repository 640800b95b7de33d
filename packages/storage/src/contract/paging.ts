import { describe, expect, it } from 'vitest';
import type { Conversation, SyncableChatStorage } from '../types.js';
import { type ContractContext, expectStorageError, messageInput } from './context.js';

async function fill(db: SyncableChatStorage, c: Conversation, n: number): Promise<string[]> {
  const conv = { id: c.id, projectId: c.projectId };
  const ids = Array.from({ length: n }, (_, i) => `m${String(i).padStart(4, '0')}`);
  await db.saveConversation(
    conv,
    ids.map((id, i) =>
      messageInput(conv, { id, content: `#${i}`, createdAt: 1000 + i, updatedAt: 1000 + i }),
    ),
  );
  return ids;
}

export function pagingRules(ctx: ContractContext): void {
  describe('paging', () => {
    it('getMessages returns the newest 50 in chronological order by default', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const ids = await fill(db, c, 60);
      const page = await db.getMessages(c.id);
      expect(page.messages.map((m) => m.id)).toEqual(ids.slice(10));
      expect(page.hasMore).toBe(true);
    });

    it('hasMore is false when the page reaches the first message', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const ids = await fill(db, c, 5);
      expect(await db.getMessages(c.id, { limit: 5 })).toMatchObject({ hasMore: false });
      const page = await db.getMessages(c.id, { limit: 10 });
      expect(page.messages.map((m) => m.id)).toEqual(ids);
      expect(page.hasMore).toBe(false);
    });

    it('before returns the messages immediately older than that message', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const ids = await fill(db, c, 20);
      const page = await db.getMessages(c.id, { limit: 4, before: ids[10] });
      expect(page.messages.map((m) => m.id)).toEqual(ids.slice(6, 10));
      expect(page.hasMore).toBe(true);
      const first = await db.getMessages(c.id, { limit: 4, before: ids[3] });
      expect(first.messages.map((m) => m.id)).toEqual(ids.slice(0, 3));
      expect(first.hasMore).toBe(false);
      expect(await db.getMessages(c.id, { before: ids[0] })).toEqual({ messages: [], hasMore: false });
    });

    it('paging backwards visits every message exactly once, in order', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const conv = { id: c.id, projectId: 'p1' };
      // Equal timestamps: order falls back to the id.
      const ids = ['b', 'a', 'e', 'd', 'c', 'g', 'f'];
      await db.saveConversation(
        conv,
        ids.map((id, i) => messageInput(conv, { id, createdAt: 100 + Math.floor(i / 3) })),
      );
      const seen: string[] = [];
      let before: string | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = await db.getMessages(c.id, { limit: 2, before });
        seen.unshift(...page.messages.map((m) => m.id));
        if (!page.hasMore) break;
        before = page.messages[0]?.id;
      }
      expect(seen).toEqual(['a', 'b', 'e', 'c', 'd', 'g', 'f']);
    });

    it('an empty conversation has an empty page', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      expect(await db.getMessages(c.id)).toEqual({ messages: [], hasMore: false });
    });

    it('pages never mix conversations', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1' });
      const b = await db.createConversation({ projectId: 'p1' });
      const ids = await fill(db, a, 3);
      await db.saveMessage(messageInput(b, { id: 'b-newest', createdAt: 5000 }));
      await db.saveMessage(messageInput(b, { id: 'b-middle', createdAt: 1001 }));
      const page = await db.getMessages(a.id, { limit: 10 });
      expect(page.messages.map((m) => m.id)).toEqual(ids);
      expect(page.messages.every((m) => m.conversationId === a.id)).toBe(true);
    });

    it('an unknown before id is not-found', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await fill(db, c, 3);
      await expectStorageError(db.getMessages(c.id, { before: 'nope' }), 'not-found', /nope/);
    });

    it('a before id from another conversation is not-found', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1' });
      const b = await db.createConversation({ projectId: 'p1' });
      const other = await db.saveMessage(messageInput(b));
      await expectStorageError(db.getMessages(a.id, { before: other.id }), 'not-found');
    });

    it('limit must be a positive integer', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        await expectStorageError(db.getMessages(c.id, { limit }), 'invalid-input', /limit/);
      }
    });
  });
}
