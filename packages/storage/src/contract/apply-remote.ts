import { describe, expect, it } from 'vitest';
import type {
  Conversation,
  Message,
  ServerRecordChange,
  StorageChange,
  SyncedConversation,
} from '../types.js';
import {
  type ContractContext,
  expectStorageError,
  FAR_FUTURE,
  messageInput,
  remoteStamp,
} from './context.js';

/** A conversation as another device syncs it; summaries in `over` (a local Conversation) are dropped. */
export function remoteConversation(over: Partial<Conversation> & { id: string }): SyncedConversation {
  const { messageCount: _c, lastMessage: _l, ...synced } = over;
  return {
    projectId: 'p1',
    title: 'remote',
    createdAt: 1000,
    updatedAt: 1000,
    archived: false,
    pinned: false,
    tags: [],
    ...synced,
  };
}

/**
 * A message from another device. Without `parentId` in `over` it is what a
 * device that does not know trees yet sends: it follows the message before it in time.
 */
export function remoteMessage(over: Partial<Message> & { id: string; conversationId: string }): Message {
  return <Message>{
    projectId: 'p1',
    role: 'assistant',
    content: 'from another device',
    status: 'complete',
    createdAt: 1000,
    updatedAt: 1000,
    ...over,
  };
}

export function put(data: SyncedConversation | Message, hlc: string, version: number): ServerRecordChange {
  const kind = 'conversationId' in data ? 'message' : 'conversation';
  return { kind, id: data.id, projectId: data.projectId, hlc, deleted: false, data, version };
}

export function tombstone(
  kind: 'conversation' | 'message',
  id: string,
  hlc: string,
  version: number,
  projectId = 'p1',
): ServerRecordChange {
  return { kind, id, projectId, hlc, deleted: true, data: null, version };
}

export function applyRemoteRules(ctx: ContractContext): void {
  describe('applyRemote', () => {
    it('a pulled conversation and its messages are stored as synced', async () => {
      const db = await ctx.open();
      const conv = remoteConversation({ id: 'c1', title: 'From phone' });
      const m = remoteMessage({
        id: 'm1',
        conversationId: 'c1',
        content: 'hi',
        createdAt: 1100,
        parentId: null,
      });
      const result = await db.applyRemote(
        [put(conv, remoteStamp(1000), 1), put(m, remoteStamp(1100), 2)],
        'cur-2',
      );
      expect(result).toEqual({ applied: 2, conflicts: 0 });
      expect(await db.getConversation('c1')).toMatchObject({ ...conv, messageCount: 1, lastMessage: 'hi' });
      expect(await db.loadConversation('c1')).toEqual([m]);
      expect(await db.getSyncMetadata('conversation', 'c1')).toMatchObject({
        syncStatus: 'synced',
        version: 1,
        hlc: remoteStamp(1000),
        deleted: false,
      });
      expect(await db.getCursor()).toBe('cur-2');
      expect(await db.pendingCount()).toBe(0);
      expect(await db.listProjects()).toEqual(['p1']);
    });

    it("a download page stores the download's progress with it, in one transaction", async () => {
      const db = await ctx.open();
      await db.setBootstrap({ stage: 'messages', queue: ['c1', 'c2'], total: 2 });
      const page = (id: string, at: number) => [
        put(remoteConversation({ id }), remoteStamp(at), at),
        put(
          remoteMessage({ id: `${id}-m`, conversationId: id, parentId: null }),
          remoteStamp(at + 1),
          at + 1,
        ),
      ];
      // A progress that does not fit refuses the page: neither is written.
      await expect(
        db.applyRemote(page('c1', 10), undefined, { progress: { stage: 'later' } as never }),
      ).rejects.toMatchObject({ code: 'invalid-input' });
      expect(await db.getConversation('c1')).toBeUndefined();
      expect(await db.getBootstrap()).toEqual({ stage: 'messages', queue: ['c1', 'c2'], total: 2 });
      // A page that does not fit stores no progress either.
      await expect(
        db.applyRemote([{ ...page('c1', 10)[1]!, kind: 'note' } as never], undefined, {
          progress: { stage: 'messages', queue: ['c2'], total: 2 },
        }),
      ).rejects.toMatchObject({ code: 'invalid-input' });
      expect(await db.getBootstrap()).toEqual({ stage: 'messages', queue: ['c1', 'c2'], total: 2 });

      await db.applyRemote(page('c1', 10), undefined, {
        progress: { stage: 'messages', queue: ['c2'], total: 2 },
      });
      expect(await db.loadConversation('c1')).toHaveLength(1);
      expect(await db.getBootstrap()).toEqual({ stage: 'messages', queue: ['c2'], total: 2 });
      // Without `download` the progress is left alone; with an undefined progress the download is done.
      await db.applyRemote(page('c3', 20));
      expect(await db.getBootstrap()).toEqual({ stage: 'messages', queue: ['c2'], total: 2 });
      await db.applyRemote(page('c2', 30), undefined, { progress: undefined });
      expect(await db.getBootstrap()).toBeUndefined();
      expect(await db.loadConversation('c2')).toHaveLength(1);
    });

    it('messages that arrive before their conversation are kept and counted when it arrives', async () => {
      const db = await ctx.open();
      const m1 = remoteMessage({ id: 'm1', conversationId: 'c1', content: 'one', createdAt: 1 });
      const m2 = remoteMessage({
        id: 'm2',
        conversationId: 'c1',
        content: 'two',
        createdAt: 2,
        parentId: 'm1',
      });
      await db.applyRemote([put(m1, remoteStamp(10), 1), put(m2, remoteStamp(11), 2)], 'a');
      expect(await db.getConversation('c1')).toBeUndefined();
      await db.applyRemote([put(remoteConversation({ id: 'c1', title: 'late' }), remoteStamp(12), 3)], 'b');
      expect(await db.getConversation('c1')).toMatchObject({
        title: 'late',
        messageCount: 2,
        lastMessage: 'two',
      });
      expect((await db.loadConversation('c1')).map((m) => m.id)).toEqual(['m1', 'm2']);
    });

    // Page 1 of the next three tests: a conversation with two messages, synced.
    const held = async () => {
      const db = await ctx.open();
      await db.applyRemote([
        put(remoteConversation({ id: 'c1', title: 'first' }), remoteStamp(10), 1),
        put(
          remoteMessage({ id: 'h1', conversationId: 'c1', content: 'one', createdAt: 1, updatedAt: 1 }),
          remoteStamp(11),
          2,
        ),
        put(
          remoteMessage({
            id: 'h2',
            conversationId: 'c1',
            content: 'two',
            createdAt: 5,
            updatedAt: 5,
            parentId: 'h1',
          }),
          remoteStamp(12),
          3,
        ),
      ]);
      return db;
    };

    it('a conversation change alone keeps the summary of the messages held here', async () => {
      const db = await held();
      await db.applyRemote([
        put(remoteConversation({ id: 'c1', title: 'renamed', updatedAt: 2000 }), remoteStamp(20), 4),
      ]);
      expect(await db.getConversation('c1')).toMatchObject({
        title: 'renamed',
        messageCount: 2,
        lastMessage: 'two',
        updatedAt: 2000,
      });
    });

    it('a page that adds messages before and after its conversation changes keeps the summary exact', async () => {
      const db = await held();
      await db.applyRemote([
        put(
          // Made on a device whose clock ran behind: older than the message it follows.
          remoteMessage({
            id: 'm3',
            conversationId: 'c1',
            content: 'three',
            createdAt: 3,
            updatedAt: 3000,
            parentId: 'h2',
          }),
          remoteStamp(20),
          4,
        ),
        put(remoteConversation({ id: 'c1', title: 'renamed', updatedAt: 2000 }), remoteStamp(21), 5),
        put(
          remoteMessage({
            id: 'm4',
            conversationId: 'c1',
            content: 'four',
            createdAt: 9,
            updatedAt: 4000,
            parentId: 'm3',
          }),
          remoteStamp(22),
          6,
        ),
      ]);
      expect(await db.getConversation('c1')).toMatchObject({
        title: 'renamed',
        messageCount: 4,
        lastMessage: 'four',
        updatedAt: 4000,
      });
      expect((await db.loadConversation('c1')).map((m) => m.id)).toEqual(['h1', 'm3', 'h2', 'm4']);
    });

    it('a page that deletes the newest message after its conversation changes keeps the summary exact', async () => {
      const db = await held();
      await db.applyRemote([
        put(remoteConversation({ id: 'c1', title: 'renamed', updatedAt: 2000 }), remoteStamp(20), 4),
        tombstone('message', 'h2', remoteStamp(21), 5),
        put(
          remoteMessage({
            id: 'm5',
            conversationId: 'c1',
            content: 'five',
            createdAt: 2,
            updatedAt: 2500,
            parentId: 'h1',
          }),
          remoteStamp(22),
          6,
        ),
      ]);
      expect(await db.getConversation('c1')).toMatchObject({
        title: 'renamed',
        messageCount: 2,
        lastMessage: 'five',
        updatedAt: 2500,
      });
    });

    it('a page that edits a held message and changes its conversation twice keeps the last change and an exact summary', async () => {
      const db = await held();
      await db.applyRemote([
        put(remoteConversation({ id: 'c1', title: 'second', updatedAt: 2000 }), remoteStamp(20), 4),
        put(
          remoteMessage({
            id: 'h2',
            conversationId: 'c1',
            content: 'two, edited',
            createdAt: 5,
            updatedAt: 2600,
            parentId: 'h1',
          }),
          remoteStamp(21),
          5,
        ),
        put(
          remoteMessage({
            id: 'm6',
            conversationId: 'c1',
            content: 'six',
            createdAt: 6,
            updatedAt: 2700,
            parentId: 'h2',
          }),
          remoteStamp(22),
          6,
        ),
        put(remoteConversation({ id: 'c1', title: 'third', updatedAt: 2100 }), remoteStamp(23), 7),
      ]);
      expect(await db.getConversation('c1')).toMatchObject({
        title: 'third',
        messageCount: 3,
        lastMessage: 'six',
        updatedAt: 2700,
      });
      expect((await db.loadConversation('c1')).map((m) => m.content)).toEqual(['one', 'two, edited', 'six']);
    });

    it('in a page of many messages of one conversation, only those newer than what is held here apply', async () => {
      const db = await ctx.open();
      const id = (i: number) => `m-${String(i).padStart(2, '0')}`;
      const message = (i: number, content: string) =>
        remoteMessage({
          id: id(i),
          conversationId: 'c1',
          content,
          createdAt: i,
          parentId: i > 0 ? id(i - 1) : null,
        });
      await db.applyRemote([
        put(remoteConversation({ id: 'c1' }), remoteStamp(1), 1),
        ...Array.from({ length: 40 }, (_, i) => put(message(i, 'held'), remoteStamp(100 + i), 2 + i)),
      ]);
      // Every message again: even ones with a newer stamp, odd ones with an older one.
      await db.applyRemote(
        Array.from({ length: 40 }, (_, i) =>
          put(message(i, i % 2 === 0 ? 'newer' : 'older'), remoteStamp(i % 2 === 0 ? 200 + i : 50), 50 + i),
        ),
      );
      // A few of them, far apart among the 40 held here, with older stamps.
      await db.applyRemote(
        [0, 13, 26, 39].map((i) => put(message(i, 'stale'), remoteStamp(60 + i), 100 + i)),
      );
      const contents = (await db.loadConversation('c1')).map((m) => m.content);
      expect(contents).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'newer' : 'held')));
      expect(await db.getConversation('c1')).toMatchObject({ messageCount: 40, lastMessage: 'held' });
      expect(await db.pendingCount()).toBe(0);
    });

    it('pages that lengthen, fork, or fill in a conversation from its newest end keep its summary exact', async () => {
      const db = await ctx.open();
      const m = (id: string, createdAt: number, parentId: string | null) =>
        remoteMessage({ id, conversationId: 'c1', content: id, createdAt, parentId });
      const at = (n: number) => remoteStamp(1000 + n);
      const summary = async () => {
        const c = await db.getConversation('c1');
        return { messageCount: c?.messageCount, lastMessage: c?.lastMessage };
      };
      await db.applyRemote([put(remoteConversation({ id: 'c1' }), at(0), 1)]);
      // Its newest end first (a conversation someone opened): the branch stops at a parent not here yet.
      await db.applyRemote([put(m('m5', 50, 'm4'), at(5), 5), put(m('m6', 60, 'm5'), at(6), 6)]);
      expect(await summary()).toEqual({ messageCount: 2, lastMessage: 'm6' });
      // The older part: the branch now reaches the first message. A reply may be older than what it answers (m3).
      await db.applyRemote([
        put(m('m1', 10, null), at(1), 1),
        put(m('m2', 20, 'm1'), at(2), 2),
        put(m('m3', 15, 'm2'), at(3), 3),
        put(m('m4', 40, 'm3'), at(4), 4),
      ]);
      expect(await summary()).toEqual({ messageCount: 6, lastMessage: 'm6' });
      // Lengthened at its end, page after page, as a download writes it.
      await db.applyRemote([put(m('m7', 70, 'm6'), at(7), 7), put(m('m8', 80, 'm7'), at(8), 8)]);
      expect(await summary()).toEqual({ messageCount: 8, lastMessage: 'm8' });
      await db.applyRemote([put(m('m9', 90, 'm8'), at(9), 9)]);
      expect(await summary()).toEqual({ messageCount: 9, lastMessage: 'm9' });
      // A new version of m4 (a fork below the end), the newest message: its branch is shown.
      await db.applyRemote([put(m('m4b', 100, 'm3'), at(10), 10)]);
      expect(await summary()).toEqual({ messageCount: 4, lastMessage: 'm4b' });
      // A reply to m9, older than m4b: the newest leaf is still m4b.
      await db.applyRemote([put(m('m10', 95, 'm9'), at(11), 11)]);
      expect(await summary()).toEqual({ messageCount: 4, lastMessage: 'm4b' });
      // Continuing m4b's branch at its end, while another branch exists: the count is of the branch only.
      await db.applyRemote([put(m('m5b', 110, 'm4b'), at(12), 12)]);
      expect(await summary()).toEqual({ messageCount: 5, lastMessage: 'm5b' });
    });

    it('a conversation showing an older branch keeps showing it when another branch grows', async () => {
      const db = await ctx.open();
      const m = (id: string, createdAt: number, parentId: string | null) =>
        remoteMessage({ id, conversationId: 'c1', content: id, createdAt, parentId });
      await db.applyRemote([
        put(remoteConversation({ id: 'c1', activeLeafId: 'a2' }), remoteStamp(1), 1),
        put(m('a1', 10, null), remoteStamp(2), 2),
        put(m('a2', 20, 'a1'), remoteStamp(3), 3),
        put(m('b2', 30, 'a1'), remoteStamp(4), 4),
      ]);
      await db.applyRemote([put(m('b3', 40, 'b2'), remoteStamp(5), 5)]);
      expect(await db.getConversation('c1')).toMatchObject({ messageCount: 2, lastMessage: 'a2' });
    });

    it('a newer remote version replaces a synced local record without a conflict', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'local' });
      const [mine] = await db.pendingChanges(10);
      await db.markPushed([{ kind: 'conversation', id: c.id, hlc: mine!.hlc, version: 1 }], 1);
      const newer = remoteConversation({ ...c, title: 'edited elsewhere' });
      const result = await db.applyRemote([put(newer, remoteStamp(FAR_FUTURE), 2)], 'x');
      expect(result).toEqual({ applied: 1, conflicts: 0 });
      expect(await db.getConversation(c.id)).toMatchObject({ title: 'edited elsewhere' });
      expect(await db.listConflicts()).toEqual([]);
    });

    it('a remote change with an older stamp than the local one is not applied', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'mine' });
      const meta = await db.getSyncMetadata('conversation', c.id);
      const result = await db.applyRemote([
        put(remoteConversation({ ...c, title: 'old' }), remoteStamp(1), 5),
      ]);
      expect(result).toEqual({ applied: 0, conflicts: 0 });
      expect(await db.getConversation(c.id)).toMatchObject({ title: 'mine' });
      expect(await db.getSyncMetadata('conversation', c.id)).toEqual(meta);
      expect(await db.listConflicts()).toEqual([]);
    });

    it('a remote change carrying the local stamp marks the record synced', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'mine' });
      const [mine] = await db.pendingChanges(10);
      await db.applyRemote([{ ...mine!, version: 8 }]);
      expect(await db.getSyncMetadata('conversation', c.id)).toMatchObject({
        syncStatus: 'synced',
        version: 8,
        hlc: mine!.hlc,
      });
      expect(await db.pendingCount()).toBe(0);
    });

    it('an unpushed local edit that loses is kept as a conflict', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'my title' });
      const localHlc = (await db.getSyncMetadata('conversation', c.id))!.hlc;
      const remoteHlc = remoteStamp(FAR_FUTURE);
      const result = await db.applyRemote([
        put(remoteConversation({ ...c, title: 'their title' }), remoteHlc, 3),
      ]);
      expect(result).toEqual({ applied: 1, conflicts: 1 });
      expect(await db.getConversation(c.id)).toMatchObject({ title: 'their title' });
      const [conflict] = await db.listConflicts();
      expect(conflict).toMatchObject({
        kind: 'conversation',
        recordId: c.id,
        projectId: 'p1',
        localHlc,
        remoteHlc,
        local: { id: c.id, title: 'my title' },
      });
      expect(conflict?.local).not.toHaveProperty('messageCount');
      expect(await db.getSyncMetadata('conversation', c.id)).toMatchObject({
        syncStatus: 'synced',
        hlc: remoteHlc,
      });
    });

    it('a local delete that loses is kept as a conflict with no data', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c, { content: 'gone locally' }));
      await db.deleteMessage(m.id);
      await db.applyRemote([
        put(remoteMessage({ ...m, content: 'edited remotely' }), remoteStamp(FAR_FUTURE), 4),
      ]);
      const [conflict] = await db.listConflicts();
      expect(conflict).toMatchObject({ kind: 'message', recordId: m.id, local: null });
      expect((await db.loadConversation(c.id)).map((x) => x.content)).toEqual(['edited remotely']);
      expect((await db.getConversation(c.id))?.messageCount).toBe(1);
    });

    it('a remote conversation tombstone deletes it and its messages, keeping unpushed messages as conflicts', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const synced = await db.saveMessage(messageInput(c, { content: 'synced' }));
      const pending = await db.pendingChanges(10);
      await db.markPushed(
        pending.map((x, i) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: i + 1 })),
        1,
      );
      const unpushed = await db.saveMessage(messageInput(c, { content: 'unpushed' }));
      const hlc = remoteStamp(FAR_FUTURE);
      const result = await db.applyRemote([tombstone('conversation', c.id, hlc, 10)]);
      expect(result.applied).toBe(1);
      expect(await db.getConversation(c.id)).toBeUndefined();
      expect(await db.loadConversation(c.id)).toEqual([]);
      expect(await db.getSyncMetadata('conversation', c.id)).toMatchObject({
        deleted: true,
        syncStatus: 'synced',
        hlc,
      });
      for (const m of [synced, unpushed]) {
        expect(await db.getSyncMetadata('message', m.id)).toMatchObject({
          deleted: true,
          syncStatus: 'synced',
        });
      }
      const conflicts = await db.listConflicts();
      expect(conflicts.map((x) => x.recordId)).toEqual([unpushed.id]);
      expect(conflicts[0]?.local).toEqual(unpushed);
      expect(await db.pendingCount()).toBe(0);
    });

    it('a remote message tombstone deletes the message and fixes the summary', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.saveMessage(messageInput(c, { content: 'older', createdAt: 1 }));
      const newest = await db.saveMessage(messageInput(c, { content: 'newest', createdAt: 2 }));
      const pending = await db.pendingChanges(10);
      await db.markPushed(
        pending.map((x) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: 1 })),
        1,
      );
      await db.applyRemote([tombstone('message', newest.id, remoteStamp(FAR_FUTURE), 5)]);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'older' });
      expect(await db.listConflicts()).toEqual([]);
    });

    // The server stamps the message tombstones of a conversation delete with the
    // delete's stamp, which can be older than a message written on a device that
    // had not yet seen the delete.
    it('a cascaded message tombstone with an older stamp but a later version deletes a synced message', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.saveMessage(messageInput(c, { content: 'kept', createdAt: 1 }));
      const late = await db.saveMessage(
        messageInput(c, { content: 'written after the delete', createdAt: 2 }),
      );
      const pending = await db.pendingChanges(10);
      await db.markPushed(
        pending.map((x, i) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: i + 1 })),
        1,
      );
      const { hlc: lateHlc } = (await db.getSyncMetadata('message', late.id))!;
      const deleteHlc = remoteStamp(1);
      expect(deleteHlc < lateHlc).toBe(true);
      const result = await db.applyRemote([tombstone('message', late.id, deleteHlc, 20)], 'after');
      expect(result).toEqual({ applied: 1, conflicts: 0 });
      expect((await db.loadConversation(c.id)).map((m) => m.content)).toEqual(['kept']);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'kept' });
      expect(await db.getSyncMetadata('message', late.id)).toMatchObject({
        deleted: true,
        syncStatus: 'synced',
        hlc: deleteHlc,
        version: 20,
      });
      expect(await db.pendingCount()).toBe(0);
      // Seen again (a page fetched twice), it changes nothing.
      expect(await db.applyRemote([tombstone('message', late.id, deleteHlc, 20)])).toEqual({
        applied: 0,
        conflicts: 0,
      });
    });

    it('a cascaded message tombstone with an older stamp leaves a newer unpushed edit pending for the server to decide', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c, { content: 'pushed' }));
      const pending = await db.pendingChanges(10);
      await db.markPushed(
        pending.map((x, i) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: i + 1 })),
        1,
      );
      await db.updateMessage(m.id, { content: 'edited, not pushed' });
      const meta = await db.getSyncMetadata('message', m.id);
      const result = await db.applyRemote([tombstone('message', m.id, remoteStamp(1), 20)]);
      expect(result).toEqual({ applied: 0, conflicts: 0 });
      expect((await db.loadConversation(c.id)).map((x) => x.content)).toEqual(['edited, not pushed']);
      expect(await db.getSyncMetadata('message', m.id)).toEqual(meta);
      expect(await db.listConflicts()).toEqual([]);
    });

    it('a remote message put with an older stamp never replaces a synced message, whatever its version', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c, { content: 'mine' }));
      const pending = await db.pendingChanges(10);
      await db.markPushed(
        pending.map((x, i) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: i + 1 })),
        1,
      );
      const result = await db.applyRemote([
        put(remoteMessage({ ...m, content: 'older' }), remoteStamp(1), 20),
      ]);
      expect(result).toEqual({ applied: 0, conflicts: 0 });
      expect((await db.loadConversation(c.id)).map((x) => x.content)).toEqual(['mine']);
    });

    it('a remote message for a conversation deleted here is not stored', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.deleteConversation(c.id);
      await db.applyRemote([put(remoteMessage({ id: 'late', conversationId: c.id }), remoteStamp(5), 6)]);
      expect(await db.loadConversation(c.id)).toEqual([]);
      expect(await db.getConversation(c.id)).toBeUndefined();
    });

    it('a remote put never resurrects a record deleted here with a newer stamp', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.deleteConversation(c.id);
      await db.applyRemote([put(remoteConversation({ ...c }), remoteStamp(5), 6)]);
      expect(await db.getConversation(c.id)).toBeUndefined();
    });

    it('the local clock moves past every remote stamp it sees', async () => {
      const db = await ctx.open();
      const future = remoteStamp(FAR_FUTURE + 1_000_000, 'zz', 42);
      await db.applyRemote([put(remoteConversation({ id: 'r1' }), future, 1)]);
      const c = await db.createConversation({ projectId: 'p1' });
      expect((await db.getSyncMetadata('conversation', c.id))!.hlc > future).toBe(true);
    });

    it('the cursor is stored only when one is given', async () => {
      const db = await ctx.open();
      expect(await db.getCursor()).toBeUndefined();
      await db.applyRemote([], 'c-1');
      await db.applyRemote([put(remoteConversation({ id: 'c1' }), remoteStamp(1), 1)]);
      expect(await db.getCursor()).toBe('c-1');
    });

    it('an invalid remote record fails the whole page and applies nothing', async () => {
      const db = await ctx.open();
      const good = put(remoteConversation({ id: 'good' }), remoteStamp(1), 1);
      const bad = put(
        remoteMessage({ id: 'bad', conversationId: 'good', role: 'robot' as never }),
        remoteStamp(2),
        2,
      );
      await expectStorageError(db.applyRemote([good, bad], 'c-2'), 'invalid-input', /role/);
      expect(await db.getConversation('good')).toBeUndefined();
      expect(await db.getCursor()).toBeUndefined();
    });

    it.skipIf(!ctx.openWithQuota)(
      'a pulled page that exceeds the quota fails with quota-exceeded and applies nothing',
      async () => {
        const db = await ctx.openWithQuota!(50_000);
        // Varied text, so no storage compression can make it fit.
        const text = (seed: number) =>
          Array.from({ length: 3000 }, (_, i) =>
            String.fromCharCode(33 + ((seed * 7919 + i * i * 31) % 90)),
          ).join('');
        const page = [
          put(remoteConversation({ id: 'big' }), remoteStamp(1), 1),
          ...Array.from({ length: 20 }, (_, i) =>
            put(
              remoteMessage({ id: `big-${i}`, conversationId: 'big', content: text(i), createdAt: i }),
              remoteStamp(2 + i),
              2 + i,
            ),
          ),
        ];
        await expectStorageError(db.applyRemote(page, 'cur-big'), 'quota-exceeded');
        expect(await db.getConversation('big')).toBeUndefined();
        expect(await db.loadConversation('big')).toEqual([]);
        expect(await db.getSyncMetadata('message', 'big-0')).toBeUndefined();
        expect(await db.getCursor()).toBeUndefined();
      },
    );

    it('a pulled page is reported once per project, with origin sync', async () => {
      const db = await ctx.open();
      const changes: StorageChange[] = [];
      db.subscribe((c) => changes.push(c));
      await db.applyRemote([
        put(remoteConversation({ id: 'a', projectId: 'p1' }), remoteStamp(1), 1),
        put(remoteMessage({ id: 'am', conversationId: 'a', projectId: 'p1' }), remoteStamp(2), 2),
        put(remoteConversation({ id: 'b', projectId: 'p2' }), remoteStamp(3), 3),
      ]);
      expect(changes.map((c) => [c.origin, c.projectId]).sort()).toEqual([
        ['sync', 'p1'],
        ['sync', 'p2'],
      ]);
      const p1 = changes.find((c) => c.projectId === 'p1');
      expect(p1?.conversations).toEqual([{ id: 'a', deleted: false }]);
      expect(p1?.messages).toEqual([{ id: 'am', conversationId: 'a', deleted: false }]);
    });
  });
}
