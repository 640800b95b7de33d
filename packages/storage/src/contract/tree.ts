// The message tree (DESIGN.md "Message tree"): appends follow the active leaf,
// versions are siblings, switching, forking and deleting subtrees, each one
// transaction with its sync entries, and bad parents refused with nothing written.
import { describe, expect, it } from 'vitest';
import type { Conversation, Message, MessageInput, SyncableChatStorage } from '../types.js';
import { put, remoteConversation, remoteMessage, tombstone } from './apply-remote.js';
import {
  type ContractContext,
  expectStorageError,
  FAR_FUTURE,
  messageInput,
  remoteStamp,
} from './context.js';

const ids = (messages: { id: string }[]) => messages.map((m) => m.id);

/** Saves one message at time `t`; ids starting with `a` are the assistant's. */
function say(
  db: SyncableChatStorage,
  c: { id: string; projectId: string },
  id: string,
  t: number,
  over: Partial<MessageInput> = {},
): Promise<Message> {
  return db.saveMessage(
    messageInput(c, {
      id,
      role: id.startsWith('a') ? 'assistant' : 'user',
      content: `text of ${id}`,
      createdAt: t,
      updatedAt: t,
      ...over,
    }),
  );
}

/**
 * u1 ─ a1 ─ u2 ─ a2
 *    └ a1b ─ u3
 * a1b regenerates a1 after a1's branch went on, so it is the newest version
 * under u1 and becomes active; u3 is appended after it.
 */
async function regenerated(db: SyncableChatStorage): Promise<Conversation> {
  const c = await db.createConversation({ projectId: 'p1', title: 'tree' });
  await say(db, c, 'u1', 10);
  await say(db, c, 'a1', 20);
  await say(db, c, 'u2', 30);
  await say(db, c, 'a2', 40);
  await say(db, c, 'a1b', 50, { parentId: 'u1' });
  await say(db, c, 'u3', 60);
  return c;
}

async function activeBranch(db: SyncableChatStorage, conversationId: string): Promise<string[]> {
  return ids((await db.getMessages(conversationId, { limit: 1000 })).messages);
}

/** What a refused write must leave as it was. */
async function snapshot(db: SyncableChatStorage, conversationId: string) {
  return {
    messages: await db.loadConversation(conversationId),
    conversation: await db.getConversation(conversationId),
    pending: await db.pendingChanges(10_000),
  };
}

/** The pending change of one record, as the sync engine would push it. */
async function pendingOf(db: SyncableChatStorage, kind: 'conversation' | 'message', id: string) {
  return (await db.pendingChanges(10_000)).find((x) => x.kind === kind && x.id === id);
}

export function treeRules(ctx: ContractContext): void {
  describe('message tree: saving', () => {
    it('a message saved without parentId follows the active leaf', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const u1 = await say(db, c, 'u1', 10);
      const a1 = await say(db, c, 'a1', 20);
      const u2 = await say(db, c, 'u2', 30);
      expect([u1.parentId, a1.parentId, u2.parentId]).toEqual([null, 'u1', 'a1']);
      expect((await db.loadConversation(c.id)).map((m) => m.parentId)).toEqual([null, 'u1', 'a1']);
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2']);
    });

    it('plain appends do not stamp the conversation again: only messages sync', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const before = await db.getSyncMetadata('conversation', c.id);
      await say(db, c, 'u1', 10);
      await say(db, c, 'a1', 20);
      await say(db, c, 'u2', 30);
      expect(await db.getSyncMetadata('conversation', c.id)).toEqual(before);
    });

    it('a message saved with a parentId is a sibling of the other messages under that parent', async () => {
      const db = await ctx.open();
      await regenerated(db);
      expect(await db.listVersions('a1')).toMatchObject({ index: 0 });
      const { versions, index } = await db.listVersions('a1b');
      expect(ids(versions)).toEqual(['a1', 'a1b']);
      expect(index).toBe(1);
      expect(versions[1]).toMatchObject({ id: 'a1b', parentId: 'u1', content: 'text of a1b' });
    });

    it('the newest message under its parent becomes the active leaf, and the next append follows it', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
      expect((await db.loadConversation(c.id)).find((m) => m.id === 'u3')?.parentId).toBe('a1b');
    });

    it('a new version becomes the active leaf even where another branch holds newer messages', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await db.selectVersion(c.id, 'a1');
      await say(db, c, 'u2b', 45, { parentId: 'a1' });
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2b']);
      expect(await db.getConversation(c.id)).toMatchObject({
        activeLeafId: 'u2b',
        lastMessage: 'text of u2b',
      });
    });

    it('a sibling older than the newest one under its parent does not take over the active branch', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await say(db, c, 'a1c', 15, { parentId: 'u1' });
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
      const { versions, index } = await db.listVersions('a1b');
      expect(ids(versions)).toEqual(['a1c', 'a1', 'a1b']);
      expect(index).toBe(2);
    });

    it('an older version does not take over even when it is the newest message of the conversation', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await say(db, c, 'u1', 10);
      await say(db, c, 'a1', 20);
      await say(db, c, 'a1b', 30, { parentId: 'u1' });
      // Times set by the caller need not grow along a branch.
      await say(db, c, 'u3', 25);
      await say(db, c, 'a1c', 27, { parentId: 'u1' });
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
    });

    it('a message saved under a parent off the branch shown does not take the view there (an answer streaming in a version the user left)', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await db.selectVersion(c.id, 'a1');
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
      await say(db, c, 't1', 70, {
        parentId: 'u3',
        role: 'tool',
        toolCallId: 'x',
        toolName: 'clock',
        toolResult: {},
      });
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
      expect((await db.loadConversation(c.id)).find((m) => m.id === 't1')?.parentId).toBe('u3');
    });

    it('a version saved under the active leaf with parentId given is a plain append', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await say(db, c, 'u1', 10);
      await say(db, c, 'a1', 20, { parentId: 'u1' });
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1']);
      expect(await db.listVersions('a1')).toMatchObject({ index: 0, versions: [{ id: 'a1' }] });
    });

    it('re-saving or updating a message keeps its parentId and the active branch', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const a1 = (await db.loadConversation(c.id)).find((m) => m.id === 'a1')!;
      const { parentId: _p, ...withoutParent } = a1;
      const resaved = await db.saveMessage({ ...withoutParent, content: 'a1, edited' });
      expect(resaved.parentId).toBe('u1');
      const updated = await db.updateMessage('a2', { content: 'a2, edited' });
      expect(updated.parentId).toBe('u2');
      await db.saveMessage({ ...a1, content: 'a1, again' });
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
      expect((await db.loadConversation(c.id)).map((m) => m.parentId)).toEqual([
        null,
        'u1',
        'a1',
        'u2',
        'u1',
        'a1b',
      ]);
    });

    it('saveConversation saves a whole tree in one call, parents before or after their children in the list', async () => {
      const db = await ctx.open();
      const conv = { id: 'c-tree', projectId: 'p1' };
      await db.saveConversation(conv, [
        messageInput(conv, { id: 'a1b', parentId: 'u1', createdAt: 30 }),
        messageInput(conv, { id: 'u1', parentId: null, createdAt: 10 }),
        messageInput(conv, { id: 'a1', parentId: 'u1', createdAt: 20 }),
      ]);
      expect((await db.loadConversation(conv.id)).map((m) => [m.id, m.parentId])).toEqual([
        ['u1', null],
        ['a1', 'u1'],
        ['a1b', 'u1'],
      ]);
      expect(await activeBranch(db, conv.id)).toEqual(['u1', 'a1b']);
    });

    it('saveConversation keeps the activeLeafId and forkedFrom it is given, and refuses an activeLeafId not in the conversation', async () => {
      const db = await ctx.open();
      const conv = {
        id: 'c-import',
        projectId: 'p1',
        forkedFrom: { conversationId: 'elsewhere', messageId: 'x' },
      };
      const messages = [
        messageInput(conv, { id: 'u1', parentId: null, createdAt: 10 }),
        messageInput(conv, { id: 'a1', parentId: 'u1', createdAt: 20 }),
        messageInput(conv, { id: 'a1b', parentId: 'u1', createdAt: 30 }),
      ];
      await db.saveConversation({ ...conv, activeLeafId: 'a1' }, messages);
      expect(await db.getConversation(conv.id)).toMatchObject({
        activeLeafId: 'a1',
        forkedFrom: conv.forkedFrom,
      });
      expect(await activeBranch(db, conv.id)).toEqual(['u1', 'a1']);
      const before = await snapshot(db, conv.id);
      await expectStorageError(
        db.saveConversation({ ...conv, activeLeafId: 'nowhere' }, []),
        'invalid-input',
        /nowhere/,
      );
      expect(await snapshot(db, conv.id)).toEqual(before);
    });

    it('saveConversation chains messages without parentId in time order after the active leaf', async () => {
      const db = await ctx.open();
      const conv = { id: 'c-flat', projectId: 'p1' };
      await db.saveConversation(conv, [messageInput(conv, { id: 'm1', createdAt: 10 })]);
      await db.saveConversation(conv, [
        messageInput(conv, { id: 'm3', createdAt: 30 }),
        messageInput(conv, { id: 'm2', createdAt: 20 }),
      ]);
      expect((await db.loadConversation(conv.id)).map((m) => [m.id, m.parentId])).toEqual([
        ['m1', null],
        ['m2', 'm1'],
        ['m3', 'm2'],
      ]);
    });
  });

  describe('message tree: bad parents are refused and write nothing', () => {
    it('a parentId that changes is refused, by saveMessage and by updateMessage', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const before = await snapshot(db, c.id);
      const a2 = before.messages.find((m) => m.id === 'a2')!;
      await expectStorageError(db.saveMessage({ ...a2, parentId: 'u1' }), 'invalid-input', /parentId/);
      await expectStorageError(db.saveMessage({ ...a2, parentId: null }), 'invalid-input', /parentId/);
      await expectStorageError(db.updateMessage('a2', { parentId: 'a1' }), 'invalid-input', /parentId/);
      await expectStorageError(
        db.saveConversation({ id: c.id, projectId: 'p1' }, [{ ...a2, parentId: 'u3' }]),
        'invalid-input',
        /parentId/,
      );
      expect(await snapshot(db, c.id)).toEqual(before);
    });

    it('a parentId in another conversation is refused', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const other = await db.createConversation({ projectId: 'p1' });
      await say(db, other, 'o1', 5);
      const before = await snapshot(db, c.id);
      await expectStorageError(say(db, c, 'x', 70, { parentId: 'o1' }), 'invalid-input', /o1/);
      await expectStorageError(
        db.saveConversation({ id: c.id, projectId: 'p1' }, [messageInput(c, { id: 'y', parentId: 'o1' })]),
        'invalid-input',
        /o1/,
      );
      expect(await snapshot(db, c.id)).toEqual(before);
      expect(await db.loadConversation(other.id)).toHaveLength(1);
    });

    it('a parentId that names no message is refused', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const before = await snapshot(db, c.id);
      await expectStorageError(say(db, c, 'x', 70, { parentId: 'nowhere' }), 'invalid-input', /nowhere/);
      expect(await snapshot(db, c.id)).toEqual(before);
    });

    it('a cycle is refused: a message as its own parent, or two new messages naming each other', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const before = await snapshot(db, c.id);
      await expectStorageError(say(db, c, 'self', 70, { parentId: 'self' }), 'invalid-input', /self/);
      await expectStorageError(
        db.saveConversation({ id: c.id, projectId: 'p1' }, [
          messageInput(c, { id: 'x', parentId: 'y', createdAt: 70 }),
          messageInput(c, { id: 'y', parentId: 'x', createdAt: 71 }),
          messageInput(c, { id: 'fine', createdAt: 72 }),
        ]),
        'invalid-input',
        /circle|cycle/i,
      );
      expect(await snapshot(db, c.id)).toEqual(before);
    });
  });

  describe('message tree: reading', () => {
    it('getMessages pages the active branch backwards with before and hasMore', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await say(db, c, 'a3', 70);
      await say(db, c, 'u4', 80);
      const last = await db.getMessages(c.id, { limit: 2 });
      expect(ids(last.messages)).toEqual(['a3', 'u4']);
      expect(last.hasMore).toBe(true);
      const middle = await db.getMessages(c.id, { limit: 2, before: 'a3' });
      expect(ids(middle.messages)).toEqual(['a1b', 'u3']);
      expect(middle.hasMore).toBe(true);
      const first = await db.getMessages(c.id, { limit: 2, before: 'a1b' });
      expect(first).toMatchObject({ hasMore: false });
      expect(ids(first.messages)).toEqual(['u1']);
    });

    it("getMessages with leafId pages that message's branch, whether or not it is active", async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const page = await db.getMessages(c.id, { leafId: 'a2', limit: 3 });
      expect(ids(page.messages)).toEqual(['a1', 'u2', 'a2']);
      expect(page.hasMore).toBe(true);
      expect(await db.getMessages(c.id, { leafId: 'a2', limit: 3, before: 'a1' })).toMatchObject({
        messages: [{ id: 'u1' }],
        hasMore: false,
      });
      // A message in the middle of a branch ends the branch there.
      expect(ids((await db.getMessages(c.id, { leafId: 'a1' })).messages)).toEqual(['u1', 'a1']);
      // Reading another branch does not switch to it.
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
    });

    it('a branch whose times go backwards (a device whose clock ran behind) is still found whole', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await say(db, c, 'u1', 100);
      await say(db, c, 'a1', 50);
      await say(db, c, 'u2', 60);
      // Editing a message above the leaf leaves the preview of the leaf.
      await db.updateMessage('u1', { content: 'u1, edited' });
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 3, lastMessage: 'text of u2' });
      await say(db, c, 'u1b', 110, { parentId: null });
      expect(await activeBranch(db, c.id)).toEqual(['u1b']);
      await db.selectVersion(c.id, 'u1');
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2']);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 3, lastMessage: 'text of u2' });
      await db.updateMessage('a1', { content: 'a1, edited' });
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 3, lastMessage: 'text of u2' });
    });

    it('editing a message above the leaf keeps the preview of the leaf, when saveConversation saved them with times going backwards', async () => {
      const db = await ctx.open();
      const conv = { id: 'c-back', projectId: 'p1' };
      await db.saveConversation(conv, [messageInput(conv, { id: 'first', content: 'first', createdAt: 20 })]);
      await db.saveConversation(conv, [
        messageInput(conv, { id: 'second', content: 'second', createdAt: 10 }),
      ]);
      expect(await activeBranch(db, conv.id)).toEqual(['first', 'second']);
      await db.updateMessage('first', { content: 'first, edited' });
      expect(await db.getConversation(conv.id)).toMatchObject({ messageCount: 2, lastMessage: 'second' });
    });

    it('re-saving a message above the leaf keeps the preview of the leaf, when saveConversation saved them with times going backwards', async () => {
      const db = await ctx.open();
      const conv = { id: 'c-back-resave', projectId: 'p1' };
      await db.saveConversation(conv, [messageInput(conv, { id: 'first', content: 'first', createdAt: 20 })]);
      await db.saveConversation(conv, [
        messageInput(conv, { id: 'second', content: 'second', createdAt: 10 }),
      ]);
      await db.saveMessage(messageInput(conv, { id: 'first', content: 'first, re-saved', createdAt: 20 }));
      expect(await db.getConversation(conv.id)).toMatchObject({ messageCount: 2, lastMessage: 'second' });
    });

    it('before must be on the branch, and leafId in the conversation', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const other = await db.createConversation({ projectId: 'p1' });
      await say(db, other, 'o1', 5);
      await expectStorageError(db.getMessages(c.id, { before: 'a2' }), 'not-found', /a2/);
      await expectStorageError(db.getMessages(c.id, { leafId: 'a2', before: 'u3' }), 'not-found', /u3/);
      await expectStorageError(db.getMessages(c.id, { leafId: 'nope' }), 'not-found', /nope/);
      await expectStorageError(db.getMessages(c.id, { leafId: 'o1' }), 'not-found', /o1/);
    });

    it('loadConversation returns every message of every branch, chronological', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      expect(ids(await db.loadConversation(c.id))).toEqual(['u1', 'a1', 'u2', 'a2', 'a1b', 'u3']);
    });

    it('listVersions of a first message lists the other first messages; an unknown id is not-found', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await say(db, c, 'u1b', 55, { parentId: null });
      expect(await db.listVersions('u1')).toMatchObject({
        index: 0,
        versions: [{ id: 'u1' }, { id: 'u1b' }],
      });
      expect(await activeBranch(db, c.id)).toEqual(['u1b']);
      await expectStorageError(db.listVersions('nope'), 'not-found', /nope/);
    });
  });

  describe('message tree: switching versions', () => {
    it('selectVersion makes the newest leaf under the chosen message the active leaf', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const switched = await db.selectVersion(c.id, 'a1');
      expect(switched).toMatchObject({ id: c.id, activeLeafId: 'a2' });
      expect(await db.getConversation(c.id)).toMatchObject({ activeLeafId: 'a2' });
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
      // The next append follows the chosen branch.
      expect((await say(db, c, 'u5', 90)).parentId).toBe('a2');
      await db.selectVersion(c.id, 'u1');
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'u5']);
    });

    it('the chosen version is a synced change of the conversation, stamped in the same write', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const before = (await db.getSyncMetadata('conversation', c.id))!.hlc;
      await db.selectVersion(c.id, 'a1');
      const meta = await db.getSyncMetadata('conversation', c.id);
      expect(meta).toMatchObject({ syncStatus: 'pending' });
      expect(meta!.hlc > before).toBe(true);
      expect((await pendingOf(db, 'conversation', c.id))?.data).toMatchObject({ activeLeafId: 'a2' });
    });

    it('summaries describe the active branch and follow a switch', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 3, lastMessage: 'text of u3' });
      await db.selectVersion(c.id, 'a1');
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 4, lastMessage: 'text of a2' });
      const listed = (await db.listConversations('p1')).find((x) => x.id === c.id);
      expect(listed).toMatchObject({ messageCount: 4, lastMessage: 'text of a2' });
    });

    it('selectVersion of a message of another conversation, or of none, is not-found and changes nothing', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const other = await db.createConversation({ projectId: 'p1' });
      await say(db, other, 'o1', 5);
      const before = await snapshot(db, c.id);
      await expectStorageError(db.selectVersion(c.id, 'o1'), 'not-found', /o1/);
      await expectStorageError(db.selectVersion(c.id, 'nope'), 'not-found', /nope/);
      await expectStorageError(db.selectVersion('no-such-conversation', 'a1'), 'not-found');
      expect(await snapshot(db, c.id)).toEqual(before);
    });
  });

  describe('message tree: forking', () => {
    it('fork copies the active path up to a message into a new conversation with new ids', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const before = await db.loadConversation(c.id);
      const fork = await db.forkConversation(c.id, 'a1b', { title: 'Another way' });
      expect(fork).toMatchObject({
        projectId: 'p1',
        title: 'Another way',
        forkedFrom: { conversationId: c.id, messageId: 'a1b' },
        messageCount: 2,
        lastMessage: 'text of a1b',
      });
      expect(fork.id).not.toBe(c.id);
      const copied = await db.loadConversation(fork.id);
      expect(copied.map((m) => [m.role, m.content])).toEqual([
        ['user', 'text of u1'],
        ['assistant', 'text of a1b'],
      ]);
      expect(copied.every((m) => m.conversationId === fork.id && m.projectId === 'p1')).toBe(true);
      expect(copied.some((m) => before.some((o) => o.id === m.id))).toBe(false);
      expect(copied.map((m) => m.parentId)).toEqual([null, copied[0]!.id]);
      expect(await db.loadConversation(c.id)).toEqual(before);
      expect((await db.listConversations('p1')).map((x) => x.id).sort()).toEqual([c.id, fork.id].sort());
    });

    it("fork of a message off the active branch copies that message's own path", async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const fork = await db.forkConversation(c.id, 'u2');
      expect((await db.loadConversation(fork.id)).map((m) => m.content)).toEqual([
        'text of u1',
        'text of a1',
        'text of u2',
      ]);
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
    });

    it('the fork and each copied message are pending sync records', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const fork = await db.forkConversation(c.id, 'a1b');
      const copied = await db.loadConversation(fork.id);
      expect((await pendingOf(db, 'conversation', fork.id))?.data).toMatchObject({
        forkedFrom: { conversationId: c.id, messageId: 'a1b' },
      });
      for (const m of copied) expect((await pendingOf(db, 'message', m.id))?.data).toEqual(m);
    });

    it('fork of a message not in the conversation is not-found and creates nothing', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      const other = await db.createConversation({ projectId: 'p1' });
      await say(db, other, 'o1', 5);
      const pending = await db.pendingCount();
      await expectStorageError(db.forkConversation(c.id, 'o1'), 'not-found', /o1/);
      await expectStorageError(db.forkConversation(c.id, 'nope'), 'not-found', /nope/);
      expect(await db.listConversations('p1')).toHaveLength(2);
      expect(await db.pendingCount()).toBe(pending);
    });
  });

  describe('message tree: deleting', () => {
    it('deleteMessage removes the message and every message under it, each with a pending tombstone', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await db.deleteMessage('a1');
      expect(ids(await db.loadConversation(c.id))).toEqual(['u1', 'a1b', 'u3']);
      for (const id of ['a1', 'u2', 'a2']) {
        expect(await db.getSyncMetadata('message', id)).toMatchObject({
          deleted: true,
          syncStatus: 'pending',
        });
        expect(await pendingOf(db, 'message', id)).toMatchObject({ deleted: true, data: null });
      }
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
      expect(await db.listVersions('a1b')).toMatchObject({ index: 0, versions: [{ id: 'a1b' }] });
    });

    it('deleting the active version moves the active branch to the newest version left under its parent', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await db.deleteMessage('a1b');
      expect(ids(await db.loadConversation(c.id))).toEqual(['u1', 'a1', 'u2', 'a2']);
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 4, lastMessage: 'text of a2' });
      // The next append continues there.
      expect((await say(db, c, 'u9', 90)).parentId).toBe('a2');
    });

    it('deleting the last message of the active branch makes its parent the active leaf', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await db.selectVersion(c.id, 'a1');
      await db.deleteMessage('a2');
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2']);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 3, lastMessage: 'text of u2' });
    });

    it('deleting the first message empties the conversation but keeps it', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await db.deleteMessage('u1');
      expect(await db.loadConversation(c.id)).toEqual([]);
      expect(await db.getMessages(c.id)).toEqual({ messages: [], hasMore: false });
      const empty = await db.getConversation(c.id);
      expect(empty).toMatchObject({ messageCount: 0 });
      expect(empty?.lastMessage).toBeUndefined();
      expect((await say(db, c, 'fresh', 100)).parentId).toBeNull();
    });
  });

  describe('message tree: equal and backward times', () => {
    // The newest leaf is the newest message without children, by time then id
    // (src/tree), whatever the times of the messages above it.
    it('after a delete, the newest leaf is found by time then id, not below the newest message', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'ties' });
      await say(db, c, 'r1', 0);
      await say(db, c, 'r2', 1, { parentId: null });
      await say(db, c, 'r3', 1, { parentId: null });
      // A reply older than what it answers: r3 is the newest message, but x is no newer than r2.
      await say(db, c, 'x', 0);
      await db.selectVersion(c.id, 'r1');
      await db.deleteMessage('r1');
      expect(await activeBranch(db, c.id)).toEqual(['r2']);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'text of r2' });
    });

    it('selectVersion finds the newest leaf below a reply saved at the same time as its parent', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'ties' });
      await say(db, c, 'm', 5);
      // b has m's time and a smaller id: it sorts before m.
      await say(db, c, 'b', 5, { parentId: 'm' });
      await say(db, c, 'c', 9);
      await say(db, c, 'z', 6, { parentId: 'm' });
      expect(await activeBranch(db, c.id)).toEqual(['m', 'z']);
      await db.selectVersion(c.id, 'm');
      expect(await activeBranch(db, c.id)).toEqual(['m', 'b', 'c']);
    });

    it('a version saved off the branch shown, newer than its leaf, does not take the view', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'ties' });
      await say(db, c, 'r1', 0);
      await say(db, c, 'k', 0);
      await say(db, c, 'r2', 0, { parentId: null });
      expect(await activeBranch(db, c.id)).toEqual(['r2']);
      // Same time, greater id: v becomes the newest leaf, yet the branch shown stays.
      await say(db, c, 'v', 0, { parentId: 'r1' });
      expect(await activeBranch(db, c.id)).toEqual(['r2']);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'text of r2' });
    });
  });

  describe('message tree: sync', () => {
    const conv = (over: Partial<Conversation> = {}) => remoteConversation({ id: 'c1', ...over });
    const msg = (id: string, parentId: string | null, createdAt: number) =>
      remoteMessage({
        id,
        conversationId: 'c1',
        parentId,
        createdAt,
        updatedAt: createdAt,
        content: `text of ${id}`,
      });

    it('a message whose parent has not arrived is kept, shown below the missing parent, can get versions, and joins its branch when the parent comes', async () => {
      const db = await ctx.open();
      await db.applyRemote([
        put(conv(), remoteStamp(1), 1),
        put(msg('u1', null, 10), remoteStamp(2), 2),
        put(msg('u2', 'a1', 30), remoteStamp(3), 3),
      ]);
      expect(ids(await db.loadConversation('c1'))).toEqual(['u1', 'u2']);
      const waiting = await db.getMessages('c1');
      expect(ids(waiting.messages)).toEqual(['u2']);
      expect(waiting.missingParentId).toBe('a1');
      // A new version of the waiting message is its sibling, under the same missing parent.
      await say(db, { id: 'c1', projectId: 'p1' }, 'u2b', 35, { parentId: 'a1' });
      expect(ids((await db.listVersions('u2')).versions)).toEqual(['u2', 'u2b']);
      await db.applyRemote([put(msg('a1', 'u1', 20), remoteStamp(4), 4)]);
      const whole = await db.getMessages('c1');
      expect(ids(whole.messages)).toEqual(['u1', 'a1', 'u2b']);
      expect(whole.missingParentId).toBeUndefined();
      expect(await db.getConversation('c1')).toMatchObject({ messageCount: 3, lastMessage: 'text of u2b' });
    });

    it('versions made on two devices are both kept, as siblings', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ id: 'c1', projectId: 'p1' });
      await say(db, c, 'u1', 10);
      await say(db, c, 'a1', 20);
      await say(db, c, 'a1-here', 30, { parentId: 'u1' });
      await db.applyRemote([put(msg('a1-there', 'u1', 40), remoteStamp(FAR_FUTURE), 1)]);
      const { versions } = await db.listVersions('a1');
      expect(ids(versions)).toEqual(['a1', 'a1-here', 'a1-there']);
      expect(versions.find((m) => m.id === 'a1-here')?.parentId).toBe('u1');
      expect((await db.pendingChanges(100)).map((x) => x.id)).toContain('a1-here');
    });

    it('activeLeafId travels with the conversation, last write wins, and losing only a branch choice is no conflict', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      await db.selectVersion(c.id, 'a1');
      const synced = remoteConversation({ ...(await db.getConversation(c.id))!, activeLeafId: 'u3' });
      await db.applyRemote([put(synced, remoteStamp(FAR_FUTURE), 1)]);
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
      expect(await db.listConflicts()).toEqual([]);
      // A remote choice of a message not here yet shows the newest branch until it arrives.
      await db.applyRemote([put({ ...synced, activeLeafId: 'later' }, remoteStamp(FAR_FUTURE + 1), 2)]);
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1b', 'u3']);
      await db.applyRemote([
        put(
          remoteMessage({ id: 'later', conversationId: c.id, parentId: 'a2', createdAt: 5 }),
          remoteStamp(FAR_FUTURE + 2),
          3,
        ),
      ]);
      expect(await activeBranch(db, c.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'later']);
    });

    it('parentId travels in the message record, and a fork carries forkedFrom', async () => {
      const db = await ctx.open();
      const c = await regenerated(db);
      expect((await pendingOf(db, 'message', 'a1b'))?.data).toMatchObject({ parentId: 'u1' });
      expect((await pendingOf(db, 'message', 'u1'))?.data).toMatchObject({ parentId: null });
      const fork = await db.forkConversation(c.id, 'a1b');
      const other = await ctx.open();
      await other.applyRemote((await db.pendingChanges(1000)).map((x, i) => ({ ...x, version: i + 1 })));
      expect(await other.getConversation(fork.id)).toMatchObject({
        forkedFrom: { conversationId: c.id, messageId: 'a1b' },
        messageCount: 2,
      });
      expect(await other.loadConversation(c.id)).toEqual(await db.loadConversation(c.id));
      expect(await activeBranch(other, c.id)).toEqual(['u1', 'a1b', 'u3']);
    });

    it('a record from a device that predates trees follows the message before it in time; a held message keeps its parent', async () => {
      const db = await ctx.open();
      const legacy = (id: string, createdAt: number, content = `text of ${id}`) => {
        const { parentId: _p, ...record } = msg(id, null, createdAt);
        return { ...record, content } as Message;
      };
      await db.applyRemote([
        put(conv(), remoteStamp(1), 1),
        put(legacy('l1', 10), remoteStamp(2), 2),
        put(legacy('l2', 20), remoteStamp(3), 3),
      ]);
      expect((await db.loadConversation('c1')).map((m) => m.parentId)).toEqual([null, 'l1']);
      await db.applyRemote([
        put(msg('t3', 'l1', 30), remoteStamp(4), 4),
        put(legacy('l2', 20, 'edited on an old device'), remoteStamp(5), 5),
      ]);
      const l2 = (await db.loadConversation('c1')).find((m) => m.id === 'l2');
      expect(l2).toMatchObject({ parentId: 'l1', content: 'edited on an old device' });
    });

    it('a lost message restored after its parent was deleted comes back, waiting for that parent', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ id: 'c1', projectId: 'p1' });
      await say(db, c, 'u1', 10);
      await say(db, c, 'a1', 20);
      const pending = await db.pendingChanges(10);
      await db.markPushed(
        pending.map((x, i) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: i + 1 })),
        1,
      );
      await db.updateMessage('a1', { content: 'my last words' });
      await db.applyRemote([
        tombstone('message', 'u1', remoteStamp(FAR_FUTURE), 10),
        tombstone('message', 'a1', remoteStamp(FAR_FUTURE + 1), 11),
      ]);
      const [conflict] = await db.listConflicts();
      expect(conflict).toMatchObject({ recordId: 'a1', local: { content: 'my last words', parentId: 'u1' } });
      await db.restoreConflict(conflict!.id);
      const page = await db.getMessages(c.id);
      expect(page).toMatchObject({
        missingParentId: 'u1',
        messages: [{ id: 'a1', content: 'my last words' }],
      });
      expect(await db.getSyncMetadata('message', 'a1')).toMatchObject({
        syncStatus: 'pending',
        deleted: false,
      });
    });
  });

  describe.skipIf(!ctx.openWithQuota)('message tree: one transaction per operation', () => {
    // Each write is tried where it cannot fit: either all of it is stored
    // with its sync entries, or none of it. Varied text, so no compression makes it fit.
    const text = (seed: number, length: number) =>
      Array.from({ length }, (_, i) => String.fromCharCode(33 + ((seed * 7919 + i * i * 31) % 90))).join('');

    it('a regenerated answer that does not fit leaves the tree, the active branch and the outbox as they were', async () => {
      const db = await ctx.openWithQuota!(100_000);
      const c = await regenerated(db);
      const before = await snapshot(db, c.id);
      await expectStorageError(
        say(db, c, 'a1-big', 55, { parentId: 'u1', content: text(1, 60_000) }),
        'quota-exceeded',
      );
      expect(await snapshot(db, c.id)).toEqual(before);
    });

    it('a fork that does not fit creates nothing', async () => {
      const db = await ctx.openWithQuota!(200_000);
      const c = await db.createConversation({ projectId: 'p1' });
      for (let i = 0; i < 6; i++) await say(db, c, `m${i}`, 10 + i, { content: text(i, 12_000) });
      const pending = await db.pendingCount();
      await expectStorageError(db.forkConversation(c.id, 'm5'), 'quota-exceeded');
      expect(await db.listConversations('p1')).toHaveLength(1);
      expect(await db.pendingCount()).toBe(pending);
    });
  });
}
