import { describe, expect, it } from 'vitest';
import { type ContractContext, expectStorageError, messageInput } from './context.js';

export function conversationRules(ctx: ContractContext): void {
  describe('conversations', () => {
    it('a new conversation starts empty, unarchived, unpinned and untagged', async () => {
      const db = await ctx.open();
      const before = Date.now();
      const c = await db.createConversation({ projectId: 'p1', title: 'First' });
      expect(c).toMatchObject({
        projectId: 'p1',
        title: 'First',
        archived: false,
        pinned: false,
        tags: [],
        messageCount: 0,
      });
      expect(c.lastMessage).toBeUndefined();
      expect(c.id).toMatch(/\S/);
      expect(c.createdAt).toBeGreaterThanOrEqual(before);
      expect(c.updatedAt).toBe(c.createdAt);
      expect(await db.getConversation(c.id)).toEqual(c);
    });

    it('a caller-given id is kept and a missing title becomes empty', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', id: 'my-id' });
      expect(c.id).toBe('my-id');
      expect(c.title).toBe('');
      expect((await db.getConversation('my-id'))?.id).toBe('my-id');
    });

    it('an unknown conversation reads as undefined', async () => {
      const db = await ctx.open();
      expect(await db.getConversation('nope')).toBeUndefined();
    });

    it('a conversation needs a projectId', async () => {
      const db = await ctx.open();
      await expectStorageError(db.createConversation({ projectId: '' }), 'invalid-input', /projectId/);
    });

    it('data survives closing and reopening the database', async () => {
      const name = ctx.newDbName();
      const first = await ctx.open(name);
      const c = await first.createConversation({ projectId: 'p1', title: 'Kept' });
      await first.saveMessage(messageInput(c, { content: 'still here' }));
      await first.close();
      const second = await ctx.open(name);
      expect(await second.getConversation(c.id)).toMatchObject({ title: 'Kept', messageCount: 1 });
      expect((await second.loadConversation(c.id)).map((m) => m.content)).toEqual(['still here']);
    });

    it('listConversations lists one project, newest first, without archived ones', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1', title: 'a' });
      const b = await db.createConversation({ projectId: 'p1', title: 'b' });
      const other = await db.createConversation({ projectId: 'p2', title: 'other' });
      const t = Date.now() + 10_000;
      // Activity decides the order: a message written later moves its conversation up.
      await db.saveMessage(messageInput(b, { createdAt: t, updatedAt: t }));
      await db.saveMessage(messageInput(a, { createdAt: t + 1, updatedAt: t + 1 }));
      expect((await db.listConversations('p1')).map((c) => c.title)).toEqual(['a', 'b']);
      await db.updateConversation(a.id, { archived: true });
      expect((await db.listConversations('p1')).map((c) => c.id)).toEqual([b.id]);
      const all = await db.listConversations('p1', { includeArchived: true });
      expect(all.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
      expect((await db.listConversations('p2')).map((c) => c.id)).toEqual([other.id]);
      expect(await db.listConversations('p3')).toEqual([]);
    });

    it('listConversations returns full conversations with their summaries', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 't' });
      await db.saveMessage(messageInput(c, { content: 'preview me' }));
      const [listed] = await db.listConversations('p1');
      expect(listed).toEqual(await db.getConversation(c.id));
      expect(listed).toMatchObject({ messageCount: 1, lastMessage: 'preview me' });
    });

    it('updateConversation changes title, flags and tags and bumps updatedAt', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'old' });
      await new Promise((r) => setTimeout(r, 5));
      const updated = await db.updateConversation(c.id, {
        title: 'new',
        pinned: true,
        archived: true,
        tags: ['x', 'y'],
      });
      expect(updated).toMatchObject({
        id: c.id,
        title: 'new',
        pinned: true,
        archived: true,
        tags: ['x', 'y'],
      });
      expect(updated.createdAt).toBe(c.createdAt);
      expect(updated.updatedAt).toBeGreaterThan(c.updatedAt);
      expect(await db.getConversation(c.id)).toEqual(updated);
    });

    it('updateConversation leaves fields the patch does not name', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'keep' });
      await db.updateConversation(c.id, { tags: ['a'] });
      const updated = await db.updateConversation(c.id, { pinned: true });
      expect(updated).toMatchObject({ title: 'keep', tags: ['a'], pinned: true, archived: false });
    });

    it('updateConversation of an unknown id is not-found', async () => {
      const db = await ctx.open();
      await expectStorageError(db.updateConversation('missing', { title: 'x' }), 'not-found', /missing/);
    });

    it('updateConversation refuses fields that cannot be edited', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await expectStorageError(
        db.updateConversation(c.id, { title: 42 } as unknown as { title: string }),
        'invalid-input',
        /title/,
      );
      await expectStorageError(
        db.updateConversation(c.id, { projectId: 'p2' } as unknown as { title: string }),
        'invalid-input',
      );
      expect(await db.getConversation(c.id)).toEqual(c);
    });

    it('deleteConversation removes the conversation and its messages', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const keep = await db.createConversation({ projectId: 'p1' });
      await db.saveMessage(messageInput(c));
      await db.saveMessage(messageInput(c));
      const kept = await db.saveMessage(messageInput(keep));
      await db.deleteConversation(c.id);
      expect(await db.getConversation(c.id)).toBeUndefined();
      expect(await db.loadConversation(c.id)).toEqual([]);
      expect(await db.getMessages(c.id)).toEqual({ messages: [], hasMore: false });
      expect((await db.listConversations('p1')).map((x) => x.id)).toEqual([keep.id]);
      expect(await db.loadConversation(keep.id)).toEqual([kept]);
    });

    it('saveConversation creates a conversation and its messages together', async () => {
      const db = await ctx.open();
      const conv = { id: 'c1', projectId: 'p1', title: 'Imported', createdAt: 1000, updatedAt: 2000 };
      await db.saveConversation(conv, [
        messageInput(conv, { id: 'm1', content: 'one', createdAt: 1000, updatedAt: 1000 }),
        messageInput(conv, { id: 'm2', role: 'assistant', content: 'two', createdAt: 1500, updatedAt: 1500 }),
      ]);
      const stored = await db.getConversation('c1');
      expect(stored).toMatchObject({
        title: 'Imported',
        createdAt: 1000,
        updatedAt: 2000,
        messageCount: 2,
        lastMessage: 'two',
      });
      expect((await db.loadConversation('c1')).map((m) => m.id)).toEqual(['m1', 'm2']);
    });

    it('saveConversation never deletes messages missing from its input', async () => {
      const db = await ctx.open();
      const conv = { id: 'c1', projectId: 'p1', title: 't' };
      await db.saveConversation(conv, [
        messageInput(conv, { id: 'm1', createdAt: 1 }),
        messageInput(conv, { id: 'm2', createdAt: 2 }),
      ]);
      await db.saveConversation({ ...conv, title: 'renamed' }, [
        messageInput(conv, { id: 'm3', createdAt: 3, content: 'newest' }),
      ]);
      expect((await db.loadConversation('c1')).map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
      expect(await db.getConversation('c1')).toMatchObject({
        title: 'renamed',
        messageCount: 3,
        lastMessage: 'newest',
      });
    });

    it('saveConversation keeps stored fields its input leaves out', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'titled' });
      await db.updateConversation(c.id, { pinned: true, tags: ['t'] });
      await db.saveConversation({ id: c.id, projectId: 'p1' }, []);
      expect(await db.getConversation(c.id)).toMatchObject({ title: 'titled', pinned: true, tags: ['t'] });
    });

    it('saveConversation cannot move a conversation to another project', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await expectStorageError(db.saveConversation({ id: c.id, projectId: 'p2' }, []), 'invalid-input', /p1/);
    });

    it('saveConversation with one bad message saves nothing at all', async () => {
      const db = await ctx.open();
      const conv = { id: 'c1', projectId: 'p1', title: 't' };
      await expectStorageError(
        db.saveConversation(conv, [
          messageInput(conv, { id: 'ok' }),
          messageInput(conv, { id: 'bad', role: 'robot' as never }),
        ]),
        'invalid-input',
        /role/,
      );
      expect(await db.getConversation('c1')).toBeUndefined();
      expect(await db.loadConversation('c1')).toEqual([]);
      expect(await db.listProjects()).toEqual([]);
    });

    it('saveConversation refuses messages of another conversation or project', async () => {
      const db = await ctx.open();
      const conv = { id: 'c1', projectId: 'p1' };
      await expectStorageError(
        db.saveConversation(conv, [messageInput({ id: 'c2', projectId: 'p1' })]),
        'invalid-input',
      );
      await expectStorageError(
        db.saveConversation(conv, [messageInput({ id: 'c1', projectId: 'p2' })]),
        'invalid-input',
      );
      expect(await db.getConversation('c1')).toBeUndefined();
    });

    it('listProjects lists every project with data, sorted', async () => {
      const db = await ctx.open();
      expect(await db.listProjects()).toEqual([]);
      await db.createConversation({ projectId: 'zeta' });
      await db.createConversation({ projectId: 'alpha' });
      await db.createConversation({ projectId: 'alpha' });
      expect(await db.listProjects()).toEqual(['alpha', 'zeta']);
    });

    it("deleting a project's last conversation keeps the project listed", async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.deleteConversation(c.id);
      expect(await db.listProjects()).toEqual(['p1']);
    });

    it('clearProject removes every conversation and message of that project only', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1' });
      const b = await db.createConversation({ projectId: 'p1' });
      const other = await db.createConversation({ projectId: 'p2' });
      await db.saveMessage(messageInput(a));
      await db.saveMessage(messageInput(b));
      const kept = await db.saveMessage(messageInput(other));
      await db.clearProject('p1');
      expect(await db.listConversations('p1', { includeArchived: true })).toEqual([]);
      expect(await db.getConversation(a.id)).toBeUndefined();
      expect(await db.loadConversation(a.id)).toEqual([]);
      expect(await db.loadConversation(b.id)).toEqual([]);
      expect(await db.loadConversation(other.id)).toEqual([kept]);
      expect(await db.listProjects()).toEqual(['p2']);
    });
  });
}
