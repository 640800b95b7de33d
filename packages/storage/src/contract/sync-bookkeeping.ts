import { describe, expect, it } from 'vitest';
import { parseHlc } from '../hlc.js';
import { type ContractContext, messageInput } from './context.js';

export function syncBookkeepingRules(ctx: ContractContext): void {
  describe('sync bookkeeping of local writes', () => {
    it('a database has a persistent clientId usable in stamps', async () => {
      const name = ctx.newDbName();
      const first = await ctx.open(name);
      expect(first.clientId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      const second = await ctx.open(name);
      expect(second.clientId).toBe(first.clientId);
      const other = await ctx.open();
      expect(other.clientId).not.toBe(first.clientId);
    });

    it('a new conversation is pending with a stamp of this client and its synced part as data', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1', title: 't' });
      const meta = await db.getSyncMetadata('conversation', c.id);
      expect(meta).toMatchObject({
        kind: 'conversation',
        id: c.id,
        projectId: 'p1',
        deleted: false,
        syncStatus: 'pending',
      });
      expect(parseHlc(meta!.hlc)?.clientId).toBe(db.clientId);
      expect(meta!.version).toBeUndefined();
      const { messageCount: _c, lastMessage: _l, ...synced } = c;
      expect(await db.pendingChanges(10)).toEqual([
        { kind: 'conversation', id: c.id, projectId: 'p1', hlc: meta!.hlc, deleted: false, data: synced },
      ]);
      expect(await db.pendingCount()).toBe(1);
    });

    it('pending changes come oldest stamp first, at most limit', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m1 = await db.saveMessage(messageInput(c));
      const m2 = await db.saveMessage(messageInput(c));
      const all = await db.pendingChanges(10);
      expect(all.map((x) => x.id)).toEqual([c.id, m1.id, m2.id]);
      const hlcs = all.map((x) => x.hlc);
      expect([...hlcs].sort()).toEqual(hlcs);
      expect(new Set(hlcs).size).toBe(3);
      expect(all[1]).toMatchObject({ kind: 'message', projectId: 'p1', deleted: false, data: m1 });
      expect((await db.pendingChanges(2)).map((x) => x.id)).toEqual([c.id, m1.id]);
      expect(await db.pendingCount()).toBe(3);
    });

    it('a message write does not re-stamp its conversation: summaries never sync', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const before = await db.getSyncMetadata('conversation', c.id);
      const m = await db.saveMessage(messageInput(c));
      await db.updateMessage(m.id, { content: 'edited' });
      await db.deleteMessage(m.id);
      expect(await db.getSyncMetadata('conversation', c.id)).toEqual(before);
    });

    it('editing a record re-stamps it with a greater stamp', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c));
      const c0 = (await db.getSyncMetadata('conversation', c.id))!.hlc;
      const m0 = (await db.getSyncMetadata('message', m.id))!.hlc;
      await db.updateConversation(c.id, { title: 'renamed' });
      await db.updateMessage(m.id, { content: 'changed' });
      const c1 = (await db.getSyncMetadata('conversation', c.id))!.hlc;
      const m1 = (await db.getSyncMetadata('message', m.id))!.hlc;
      expect(c1 > c0).toBe(true);
      expect(m1 > m0).toBe(true);
      expect(m1 > c1).toBe(true);
      const pending = await db.pendingChanges(10);
      expect(pending.find((x) => x.id === c.id)?.data).toMatchObject({ title: 'renamed' });
      expect(pending.find((x) => x.id === m.id)?.data).toMatchObject({ content: 'changed' });
    });

    it('stamps keep increasing after the database is reopened', async () => {
      const name = ctx.newDbName();
      const first = await ctx.open(name);
      const c = await first.createConversation({ projectId: 'p1' });
      const stamp = (await first.getSyncMetadata('conversation', c.id))!.hlc;
      await first.close();
      const second = await ctx.open(name);
      const d = await second.createConversation({ projectId: 'p1' });
      expect((await second.getSyncMetadata('conversation', d.id))!.hlc > stamp).toBe(true);
    });

    it('saveConversation stamps the conversation and every message it writes', async () => {
      const db = await ctx.open();
      const conv = { id: 'c1', projectId: 'p1', title: 't' };
      await db.saveConversation(conv, [messageInput(conv, { id: 'a' }), messageInput(conv, { id: 'b' })]);
      const pending = await db.pendingChanges(10);
      expect(pending.map((x) => `${x.kind}:${x.id}`).sort()).toEqual([
        'conversation:c1',
        'message:a',
        'message:b',
      ]);
    });

    it('deleteMessage leaves a pending tombstone', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c));
      const before = (await db.getSyncMetadata('message', m.id))!.hlc;
      await db.deleteMessage(m.id);
      const meta = await db.getSyncMetadata('message', m.id);
      expect(meta).toMatchObject({ deleted: true, syncStatus: 'pending', projectId: 'p1' });
      expect(meta!.hlc > before).toBe(true);
      const change = (await db.pendingChanges(10)).find((x) => x.id === m.id);
      expect(change).toEqual({
        kind: 'message',
        id: m.id,
        projectId: 'p1',
        hlc: meta!.hlc,
        deleted: true,
        data: null,
      });
    });

    it("deleteConversation leaves one pending tombstone; its messages' tombstones need no push", async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c));
      await db.deleteConversation(c.id);
      const convMeta = await db.getSyncMetadata('conversation', c.id);
      const msgMeta = await db.getSyncMetadata('message', m.id);
      expect(convMeta).toMatchObject({ deleted: true, syncStatus: 'pending' });
      expect(msgMeta).toMatchObject({ deleted: true, syncStatus: 'synced', hlc: convMeta!.hlc });
      expect(await db.pendingChanges(10)).toEqual([
        { kind: 'conversation', id: c.id, projectId: 'p1', hlc: convMeta!.hlc, deleted: true, data: null },
      ]);
    });

    it('clearProject leaves a pending tombstone for each conversation of the project', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1' });
      const b = await db.createConversation({ projectId: 'p1' });
      const other = await db.createConversation({ projectId: 'p2' });
      await db.saveMessage(messageInput(a));
      await db.clearProject('p1');
      const pending = await db.pendingChanges(10);
      const tombstones = pending.filter((x) => x.deleted);
      expect(tombstones.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
      expect(tombstones.every((x) => x.kind === 'conversation' && x.data === null)).toBe(true);
      expect(pending.find((x) => x.id === other.id)?.deleted).toBe(false);
    });

    it('markPushed marks a record synced with its server version', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const [change] = await db.pendingChanges(10);
      await db.markPushed([{ kind: 'conversation', id: c.id, hlc: change!.hlc, version: 7 }], 12345);
      expect(await db.getSyncMetadata('conversation', c.id)).toMatchObject({
        syncStatus: 'synced',
        version: 7,
        lastSyncedAt: 12345,
        hlc: change!.hlc,
      });
      expect(await db.pendingChanges(10)).toEqual([]);
      expect(await db.pendingCount()).toBe(0);
    });

    it('a write made during a push stays pending after the ack of the older stamp', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const [pushed] = await db.pendingChanges(10);
      await db.updateConversation(c.id, { title: 'typed while pushing' });
      await db.markPushed([{ kind: 'conversation', id: c.id, hlc: pushed!.hlc, version: 3 }], 1);
      const meta = await db.getSyncMetadata('conversation', c.id);
      expect(meta?.syncStatus).toBe('pending');
      expect(meta!.hlc > pushed!.hlc).toBe(true);
      expect((await db.pendingChanges(10))[0]?.data).toMatchObject({ title: 'typed while pushing' });
    });

    it('an edit after a push keeps the server version and is pending again', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const [pushed] = await db.pendingChanges(10);
      await db.markPushed([{ kind: 'conversation', id: c.id, hlc: pushed!.hlc, version: 4 }], 99);
      await db.updateConversation(c.id, { pinned: true });
      expect(await db.getSyncMetadata('conversation', c.id)).toMatchObject({
        syncStatus: 'pending',
        version: 4,
        lastSyncedAt: 99,
      });
    });

    it('markPushed ignores acks for unknown records', async () => {
      const db = await ctx.open();
      await db.markPushed([{ kind: 'message', id: 'ghost', hlc: '000000000000001:00000:x', version: 1 }], 1);
      expect(await db.getSyncMetadata('message', 'ghost')).toBeUndefined();
    });

    it('a rejected stamp is not offered again until the record changes', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c));
      const pending = await db.pendingChanges(10);
      const mChange = pending.find((x) => x.id === m.id)!;
      await db.markRejected([{ kind: 'message', id: m.id, hlc: mChange.hlc, reason: 'record too large' }]);
      expect(await db.getSyncMetadata('message', m.id)).toMatchObject({
        syncStatus: 'pending',
        rejected: 'record too large',
      });
      expect((await db.pendingChanges(10)).map((x) => x.id)).toEqual([c.id]);
      expect(await db.pendingCount()).toBe(1);
      await db.updateMessage(m.id, { content: 'smaller' });
      const meta = await db.getSyncMetadata('message', m.id);
      expect(meta?.rejected).toBeUndefined();
      expect((await db.pendingChanges(10)).map((x) => x.id)).toEqual([c.id, m.id]);
    });

    it('a rejection of an older stamp is ignored', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const [old] = await db.pendingChanges(10);
      await db.updateConversation(c.id, { title: 'new' });
      await db.markRejected([{ kind: 'conversation', id: c.id, hlc: old!.hlc, reason: 'nope' }]);
      expect((await db.getSyncMetadata('conversation', c.id))?.rejected).toBeUndefined();
      expect(await db.pendingCount()).toBe(1);
    });

    it('resetSyncState forgets the cursor and makes every record pending again', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c));
      const pending = await db.pendingChanges(10);
      await db.markPushed(
        pending.map((x, i) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: i + 1 })),
        5,
      );
      await db.markRejected([]);
      await db.applyRemote([], 'cursor-9');
      expect(await db.getCursor()).toBe('cursor-9');
      expect(await db.pendingCount()).toBe(0);
      await db.resetSyncState();
      expect(await db.getCursor()).toBeUndefined();
      expect(await db.pendingCount()).toBe(2);
      const meta = await db.getSyncMetadata('message', m.id);
      expect(meta).toMatchObject({ syncStatus: 'pending' });
      expect(meta?.version).toBeUndefined();
      expect(meta?.lastSyncedAt).toBeUndefined();
      expect((await db.pendingChanges(10)).map((x) => x.id)).toEqual([c.id, m.id]);
    });
    it('restampAll puts every record and tombstone back in the outbox under newer stamps, keeping the cursor', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c));
      const gone = await db.createConversation({ projectId: 'p1' });
      await db.deleteConversation(gone.id);
      const local = await db.createConversation({ projectId: 'p1' });
      const before = await db.pendingChanges(10);
      await db.markPushed(
        before.map((x, i) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: i + 1 })),
        5,
      );
      await db.keepLocalOnly('conversation', local.id);
      await db.applyRemote([], 'cursor-3');
      expect(await db.pendingCount()).toBe(0);

      expect(await db.restampAll()).toBe(3);
      expect(await db.getCursor()).toBe('cursor-3');
      const after = await db.pendingChanges(10);
      expect(after.map((x) => x.id).sort()).toEqual([c.id, m.id, gone.id].sort());
      for (const change of after) {
        const old = before.find((x) => x.id === change.id)!;
        expect(change.hlc > old.hlc).toBe(true);
        expect(change.deleted).toBe(change.id === gone.id);
      }
      expect((await db.getSyncMetadata('conversation', local.id))?.syncStatus).toBe('local-only');
    });

    it("a fresh device's download progress survives reopening and is forgotten by resetSyncState", async () => {
      const name = ctx.newDbName();
      const db = await ctx.open(name);
      expect(await db.getBootstrap()).toBeUndefined();
      await db.setBootstrap({ stage: 'messages', queue: ['c2', 'c1'], total: 3 });
      expect(await (await ctx.open(name)).getBootstrap()).toEqual({
        stage: 'messages',
        queue: ['c2', 'c1'],
        total: 3,
      });
      await expect(db.setBootstrap({ stage: 'later', queue: [], total: 0 } as never)).rejects.toMatchObject({
        code: 'invalid-input',
      });
      await db.resetSyncState();
      expect(await db.getBootstrap()).toBeUndefined();
      await db.setBootstrap({ stage: 'listing', queue: [], total: 0 });
      await db.setBootstrap(undefined);
      expect(await db.getBootstrap()).toBeUndefined();
    });

    it('quarantine reports survive reopening, are replaced as a whole, and are forgotten by resetSyncState', async () => {
      const name = ctx.newDbName();
      const db = await ctx.open(name);
      expect(await db.getQuarantined()).toEqual([]);
      const report = {
        kind: 'message',
        id: 'm1',
        hlc: '0000000000001-0000-client',
        version: 7,
        failure: 'authentication-failed' as const,
        message: 'The message "m1" was altered.',
        at: 1_700_000_000_000,
      };
      const other = { ...report, id: 'm2', failure: 'invalid-record' as const, version: 8 };
      await db.setQuarantined([report, other]);
      expect(await (await ctx.open(name)).getQuarantined()).toEqual([report, other]);
      await db.setQuarantined([other]);
      expect(await (await ctx.open(name)).getQuarantined()).toEqual([other]);
      await expect(db.setQuarantined([{ ...report, failure: 'lost' } as never])).rejects.toMatchObject({
        code: 'invalid-input',
      });
      expect(await db.getQuarantined()).toEqual([other]);
      await db.resetSyncState();
      expect(await db.getQuarantined()).toEqual([]);
      await db.setQuarantined([report]);
      await db.setQuarantined([]);
      expect(await (await ctx.open(name)).getQuarantined()).toEqual([]);
    });
  });
}
