import { describe, expect, it } from 'vitest';
import { put, remoteConversation, remoteMessage, tombstone } from './apply-remote.js';
import {
  type ContractContext,
  expectStorageError,
  FAR_FUTURE,
  messageInput,
  remoteStamp,
} from './context.js';

export function conflictRules(ctx: ContractContext): void {
  describe('conflicts', () => {
    it('conflicts are listed newest first and survive reopening', async () => {
      const name = ctx.newDbName();
      const db = await ctx.open(name);
      const a = await db.createConversation({ projectId: 'p1', title: 'a' });
      const b = await db.createConversation({ projectId: 'p1', title: 'b' });
      await db.applyRemote([put(remoteConversation({ ...a, title: 'A' }), remoteStamp(FAR_FUTURE), 1)]);
      await new Promise((r) => setTimeout(r, 5));
      await db.applyRemote([put(remoteConversation({ ...b, title: 'B' }), remoteStamp(FAR_FUTURE + 1), 2)]);
      expect((await db.listConflicts()).map((c) => c.recordId)).toEqual([b.id, a.id]);
      const again = await ctx.open(name);
      expect((await again.listConflicts()).map((c) => c.recordId)).toEqual([b.id, a.id]);
    });

    it('dismissConflict forgets the losing version', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'mine' });
      await db.applyRemote([put(remoteConversation({ ...c, title: 'theirs' }), remoteStamp(FAR_FUTURE), 1)]);
      const [conflict] = await db.listConflicts();
      await db.dismissConflict(conflict!.id);
      expect(await db.listConflicts()).toEqual([]);
      expect(await db.getConversation(c.id)).toMatchObject({ title: 'theirs' });
      expect(await db.pendingCount()).toBe(0);
    });

    it('restoreConflict writes a lost conversation edit back as a new pending write', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'mine' });
      await db.updateConversation(c.id, { tags: ['keep'] });
      const remoteHlc = remoteStamp(FAR_FUTURE);
      await db.applyRemote([put(remoteConversation({ ...c, title: 'theirs', tags: [] }), remoteHlc, 1)]);
      const [conflict] = await db.listConflicts();
      await db.restoreConflict(conflict!.id);
      expect(await db.getConversation(c.id)).toMatchObject({ title: 'mine', tags: ['keep'] });
      const meta = await db.getSyncMetadata('conversation', c.id);
      expect(meta?.syncStatus).toBe('pending');
      expect(meta!.hlc > remoteHlc).toBe(true);
      expect(await db.listConflicts()).toEqual([]);
      expect((await db.pendingChanges(10))[0]?.data).toMatchObject({ title: 'mine' });
    });

    it('restoreConflict recreates a conversation that the remote side deleted', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'precious' });
      await db.applyRemote([tombstone('conversation', c.id, remoteStamp(FAR_FUTURE), 1)]);
      expect(await db.getConversation(c.id)).toBeUndefined();
      const [conflict] = await db.listConflicts();
      await db.restoreConflict(conflict!.id);
      expect(await db.getConversation(c.id)).toMatchObject({ title: 'precious', messageCount: 0 });
      expect(await db.getSyncMetadata('conversation', c.id)).toMatchObject({
        deleted: false,
        syncStatus: 'pending',
      });
    });

    it('restoreConflict re-saves a lost message into its conversation', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c, { content: 'my words' }));
      await db.applyRemote([
        put(remoteMessage({ ...m, content: 'their words' }), remoteStamp(FAR_FUTURE), 1),
      ]);
      expect((await db.loadConversation(c.id))[0]?.content).toBe('their words');
      const [conflict] = await db.listConflicts();
      expect(conflict?.local).toEqual(m);
      await db.restoreConflict(conflict!.id);
      expect((await db.loadConversation(c.id)).map((x) => x.content)).toEqual(['my words']);
      expect(await db.getConversation(c.id)).toMatchObject({ messageCount: 1, lastMessage: 'my words' });
      expect(await db.getSyncMetadata('message', m.id)).toMatchObject({
        syncStatus: 'pending',
        deleted: false,
      });
    });

    it('restoring a message whose conversation is gone recreates the conversation around it', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'gone' });
      const m = await db.saveMessage(messageInput(c, { content: 'rescue me' }));
      await db.applyRemote([tombstone('conversation', c.id, remoteStamp(FAR_FUTURE), 1)]);
      const conflicts = await db.listConflicts();
      const messageConflict = conflicts.find((x) => x.kind === 'message');
      expect(messageConflict?.recordId).toBe(m.id);
      await db.restoreConflict(messageConflict!.id);
      expect((await db.loadConversation(c.id)).map((x) => x.content)).toEqual(['rescue me']);
      expect(await db.getConversation(c.id)).toMatchObject({ projectId: 'p1', messageCount: 1 });
      const pending = await db.pendingChanges(10);
      expect(pending.map((x) => `${x.kind}:${x.id}:${x.deleted}`).sort()).toEqual(
        [`conversation:${c.id}:false`, `message:${m.id}:false`].sort(),
      );
    });

    it('restoring or dismissing an unknown conflict is not-found', async () => {
      const db = await ctx.open();
      await expectStorageError(db.restoreConflict('nope'), 'not-found', /nope/);
      await expectStorageError(db.dismissConflict('nope'), 'not-found', /nope/);
    });

    it('resetSyncState keeps conflicts', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 'mine' });
      await db.applyRemote([put(remoteConversation({ ...c, title: 'theirs' }), remoteStamp(FAR_FUTURE), 1)]);
      await db.resetSyncState();
      expect(await db.listConflicts()).toHaveLength(1);
    });
  });
}
