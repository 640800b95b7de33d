import { describe, expect, it } from 'vitest';
import { type ContractContext, messageInput } from './context.js';

export function summaryRules(ctx: ContractContext): void {
  describe('conversation summaries', () => {
    it('each saved message updates messageCount and lastMessage', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.saveMessage(messageInput(c, { content: 'first', createdAt: 1 }));
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'first' });
      await db.saveMessage(messageInput(c, { content: 'second', createdAt: 2 }));
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 2, lastMessage: 'second' });
    });

    it('lastMessage previews the end of the active branch, not the last message written', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const first = await db.saveMessage(messageInput(c, { content: 'question', createdAt: 10 }));
      await db.saveMessage(messageInput(c, { content: 'newest answer', createdAt: 50 }));
      // An older version of the answer, saved later: the newer one stays shown.
      await db.saveMessage(
        messageInput(c, { content: 'older answer, written later', parentId: first.id, createdAt: 20 }),
      );
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 2, lastMessage: 'newest answer' });
    });

    it('lastMessage is at most 200 characters with whitespace collapsed', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.saveMessage(messageInput(c, { content: `  line one\n\n  line   two ${'x'.repeat(500)}` }));
      const preview = (await db.getConversation(c.id))?.lastMessage ?? '';
      expect(preview.length).toBeLessThanOrEqual(200);
      expect(preview.startsWith('line one line two x')).toBe(true);
    });

    it('updating the newest message updates the preview', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(
        messageInput(c, { role: 'assistant', status: 'streaming', content: 'Hel' }),
      );
      await db.updateMessage(m.id, { content: 'Hello there', status: 'complete' });
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'Hello there' });
    });

    it('deleting messages recomputes count and preview', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const a = await db.saveMessage(messageInput(c, { content: 'a', createdAt: 1 }));
      const b = await db.saveMessage(messageInput(c, { content: 'b', createdAt: 2 }));
      await db.deleteMessage(b.id);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'a' });
      await db.deleteMessage(a.id);
      const empty = await db.getConversation(c.id);
      expect(empty?.messageCount).toBe(0);
      expect(empty?.lastMessage).toBeUndefined();
    });

    it('a new message moves its conversation to the top of the list', async () => {
      const db = await ctx.open();
      const older = await db.createConversation({ projectId: 'p1', title: 'older' });
      await db.createConversation({ projectId: 'p1', title: 'newer' });
      const t = Date.now() + 60_000;
      await db.saveMessage(messageInput(older, { createdAt: t, updatedAt: t }));
      const list = await db.listConversations('p1');
      expect(list.map((c) => c.title)).toEqual(['older', 'newer']);
      expect(list[0]?.updatedAt).toBe(t);
    });

    it('saveConversation derives summaries and ignores the ones it is given', async () => {
      const db = await ctx.open();
      const conv = { id: 'c1', projectId: 'p1', messageCount: 99, lastMessage: 'lie' };
      await db.saveConversation(conv, [messageInput(conv, { content: 'truth', createdAt: 5 })]);
      expect(await db.getConversation('c1')).toMatchObject({ messageCount: 1, lastMessage: 'truth' });
    });

    it('re-saving an existing message does not change the count', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c, { content: 'one' }));
      await db.saveMessage({ ...m, content: 'one, edited' });
      await db.saveConversation({ id: c.id, projectId: 'p1' }, [{ ...m, content: 'one, again' }]);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'one, again' });
    });
  });
}
