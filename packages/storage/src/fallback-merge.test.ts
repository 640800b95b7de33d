import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectStorageError } from './contract/context.js';
import type { FallbackMergeReport } from './fallback-merge.js';
import { IndexedDBAdapter } from './indexeddb/adapter.js';
import { mergeFallbackCopy } from './indexeddb/merge-fallback.js';
import { readFallbackCopy, removeFallbackCopy } from './localstorage/fallback-copy.js';
import { LocalStorageAdapter } from './localstorage/index.js';
import { openChatStorage } from './open.js';
import { MemoryStorage } from './test-support/memory-storage.js';
import type { ServerRecordChange, SyncableChatStorage } from './types.js';

const DB = 'h';
const PREFIX = `chatkeep:${DB}:`;
const opened: SyncableChatStorage[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

/** A wall clock the test moves, so which write is newer is decided here. */
function testClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, at: (ms: number) => (t = start + ms) };
}

/** The app's way in: openChatStorage, with the merge reports it gave. */
async function openHistory(
  factory: IDBFactory,
  storage: Storage,
  now?: () => number,
): Promise<{ db: SyncableChatStorage; reports: FallbackMergeReport[] }> {
  const reports: FallbackMergeReport[] = [];
  const db = await openChatStorage({
    dbName: DB,
    indexedDB: factory,
    storage,
    now,
    onFallbackMerged: (r) => reports.push(r),
  });
  opened.push(db);
  expect(db.kind).toBe('indexeddb');
  return { db, reports };
}

/** What a tab writes while IndexedDB cannot be used: the localStorage adapter on the same name. */
async function openFallback(storage: Storage, now?: () => number): Promise<SyncableChatStorage> {
  const db = await LocalStorageAdapter.open({ dbName: DB, storage, now });
  opened.push(db);
  return db;
}

/** The copy's keys and their text. */
function copyOf(storage: Storage): Map<string, string> {
  const copy = new Map<string, string>();
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)!;
    if (key.startsWith(PREFIX)) copy.set(key, storage.getItem(key)!);
  }
  return copy;
}

/** The page goes away at the `nth` key removed from `storage` (undone by vi.restoreAllMocks). */
function cutRemovalShort(storage: Storage, nth: number): void {
  let removals = 0;
  const remove = storage.removeItem.bind(storage);
  vi.spyOn(storage, 'removeItem').mockImplementation((key) => {
    if (++removals === nth) throw new Error('the page was closed');
    remove(key);
  });
}

function message(conversationId: string, id: string, content: string) {
  return { id, conversationId, projectId: 'p1', role: 'user' as const, content };
}

/** What a device's sync wrote on both sides: one synced conversation with one message. */
function pulled(): ServerRecordChange[] {
  const hlc = '001700000000000:00000:server';
  const conversation = {
    ...{ id: 'shared', projectId: 'p1', title: 'Synced', createdAt: 1, updatedAt: 1 },
    ...{ archived: false, pinned: false, tags: [] },
  };
  return [
    {
      kind: 'conversation',
      id: 'shared',
      projectId: 'p1',
      hlc,
      deleted: false,
      data: conversation,
      version: 1,
    },
    {
      ...{ kind: 'message', id: 'shared-m', projectId: 'p1', hlc, deleted: false, version: 2 },
      data: {
        ...message('shared', 'shared-m', 'as synced'),
        ...{ parentId: null, status: 'complete', createdAt: 1, updatedAt: 1 },
      },
    },
  ];
}

/**
 * A history split in two: IndexedDB holds "kept" and the synced pair, then a
 * tab on localStorage writes a new conversation and edits the synced pair
 * while IndexedDB edits them too, each side newer for one record.
 */
async function splitHistory() {
  const factory = new IDBFactory();
  const storage = new MemoryStorage();
  const clock = testClock();
  const before = await openHistory(factory, storage, clock.now);
  await before.db.applyRemote(pulled(), 'cursor-1');
  await before.db.createConversation({ projectId: 'p1', id: 'kept', title: 'Kept in IndexedDB' });
  await before.db.saveMessage(message('kept', 'kept-m', 'hello'));

  const fallback = await openFallback(storage, clock.now);
  // Its search index lived in localStorage too.
  storage.setItem(`${DB}-search`, '{"version":1}');
  await fallback.applyRemote(pulled(), 'cursor-1');
  clock.at(1000);
  await fallback.createConversation({ projectId: 'p1', id: 'away', title: 'While IndexedDB was away' });
  await fallback.saveMessage(message('away', 'away-1', 'first'));
  await fallback.saveMessage(message('away', 'away-2', 'second'));

  clock.at(2000);
  await before.db.updateConversation('shared', { title: 'IndexedDB title' });
  clock.at(3000);
  await fallback.updateConversation('shared', { title: 'localStorage title' });
  await fallback.updateMessage('shared-m', { content: 'localStorage edit' });
  clock.at(4000);
  await before.db.updateMessage('shared-m', { content: 'IndexedDB edit' });
  await before.db.close();
  await fallback.close();
  return { factory, storage, clock };
}

describe('merging what was written to localStorage while IndexedDB was unavailable', () => {
  it('brings every record into IndexedDB, reports it, and removes the localStorage copy', async () => {
    const { factory, storage, clock } = await splitHistory();
    const { db, reports } = await openHistory(factory, storage, clock.now);
    expect(reports).toEqual([
      { status: 'merged', conversations: 2, messages: 2, deletions: 0, conflicts: 2 },
    ]);
    const titles = (await db.listConversations('p1')).map((c) => c.title).sort();
    expect(titles).toEqual(['Kept in IndexedDB', 'While IndexedDB was away', 'localStorage title']);
    expect(await db.getConversation('away')).toMatchObject({ messageCount: 2, lastMessage: 'second' });
    expect((await db.loadConversation('away')).map((m) => m.content)).toEqual(['first', 'second']);
    expect(copyOf(storage).size).toBe(0);
    expect(storage.getItem(`${DB}-search`)).toBeNull();
    expect(await db.listProjects()).toEqual(['p1']);
  });

  it('last write wins by stamp, and the losing unsynced version of either side is kept as a conflict', async () => {
    const { factory, storage, clock } = await splitHistory();
    const { db } = await openHistory(factory, storage, clock.now);
    expect(await db.getConversation('shared')).toMatchObject({ title: 'localStorage title' });
    expect((await db.loadConversation('shared')).map((m) => m.content)).toEqual(['IndexedDB edit']);
    const conflicts = await db.listConflicts();
    expect(conflicts.map((c) => c.recordId).sort()).toEqual(['shared', 'shared-m']);
    expect(conflicts.find((c) => c.recordId === 'shared')?.local).toMatchObject({ title: 'IndexedDB title' });
    expect(conflicts.find((c) => c.recordId === 'shared-m')?.local).toMatchObject({
      content: 'localStorage edit',
    });
  });

  it('keeps sync bookkeeping: writes of the copy stay pending with their stamps, pushed ones stay synced', async () => {
    const factory = new IDBFactory();
    const storage = new MemoryStorage();
    const fallback = await openFallback(storage);
    await fallback.createConversation({ projectId: 'p1', id: 'c' });
    await fallback.saveMessage(message('c', 'pushed', 'on the server'));
    await fallback.saveMessage(message('c', 'refused', 'too big, say'));
    await fallback.saveMessage(message('c', 'waiting', 'not pushed yet'));
    const changes = await fallback.pendingChanges(10);
    const stampOf = (id: string) => changes.find((c) => c.id === id)!.hlc;
    await fallback.markPushed(
      ['c', 'pushed'].map((id, i) => ({
        kind: i ? ('message' as const) : ('conversation' as const),
        id,
        hlc: stampOf(id),
        version: 5 + i,
      })),
      777,
    );
    await fallback.markRejected([
      { kind: 'message', id: 'refused', hlc: stampOf('refused'), reason: 'too big' },
    ]);
    await fallback.close();

    const { db } = await openHistory(factory, storage);
    expect(await db.getSyncMetadata('message', 'pushed')).toMatchObject({
      syncStatus: 'synced',
      version: 6,
      lastSyncedAt: 777,
      hlc: stampOf('pushed'),
    });
    expect(await db.getSyncMetadata('message', 'refused')).toMatchObject({
      syncStatus: 'pending',
      rejected: 'too big',
    });
    expect((await db.pendingChanges(10)).map((c) => [c.id, c.hlc])).toEqual([
      ['waiting', stampOf('waiting')],
    ]);
    // Later writes here stamp past everything the copy made.
    const later = await db.saveMessage(message('c', 'later', 'after the merge'));
    const stamp = (await db.getSyncMetadata('message', later.id))!.hlc;
    expect(stamp > stampOf('waiting')).toBe(true);
  });

  it('a delete made in the copy deletes the older version here, and stays to be pushed', async () => {
    const factory = new IDBFactory();
    const storage = new MemoryStorage();
    const clock = testClock();
    const before = await openHistory(factory, storage, clock.now);
    await before.db.applyRemote(pulled());
    await before.db.close();
    const fallback = await openFallback(storage, clock.now);
    await fallback.applyRemote(pulled());
    clock.at(1000);
    await fallback.deleteConversation('shared');
    await fallback.close();

    const { db, reports } = await openHistory(factory, storage, clock.now);
    expect(reports).toEqual([
      { status: 'merged', conversations: 0, messages: 0, deletions: 2, conflicts: 0 },
    ]);
    expect(await db.getConversation('shared')).toBeUndefined();
    expect(await db.loadConversation('shared')).toEqual([]);
    expect(await db.pendingChanges(10)).toMatchObject([
      { kind: 'conversation', id: 'shared', deleted: true },
    ]);
  });

  it('is idempotent: the same copy merged again (its removal cut short) changes and reports nothing', async () => {
    const { factory, storage, clock } = await splitHistory();
    const copy = copyOf(storage);
    const first = await openHistory(factory, storage, clock.now);
    const state = async (db: SyncableChatStorage) => ({
      conversations: await db.listConversations('p1'),
      messages: await db.loadConversation('shared'),
      conflicts: (await db.listConflicts()).map((c) => c.id).sort(),
      pending: await db.pendingChanges(100),
      shared: await db.getSyncMetadata('conversation', 'shared'),
    });
    const merged = await state(first.db);
    await first.db.close();
    for (const [key, text] of copy) storage.setItem(key, text);

    const again = await openHistory(factory, storage, clock.now);
    expect(again.reports).toEqual([]);
    expect(await state(again.db)).toEqual(merged);
    expect(copyOf(storage).size).toBe(0);
  });

  it('interrupted inside the IndexedDB transaction, it writes nothing there and leaves the copy whole', async () => {
    const { factory, storage, clock } = await splitHistory();
    const copy = copyOf(storage);
    // The disk fills up on the second message the merge writes.
    const put = IDBObjectStore.prototype.put;
    let messagePuts = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'messages' && ++messagePuts === 2) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.apply(this, args);
    });
    const failed = await openHistory(factory, storage, clock.now);
    expect(failed.reports).toMatchObject([
      { status: 'failed', error: expect.stringMatching(/storage is full/) },
    ]);
    expect(failed.reports[0]).toMatchObject({ error: expect.stringMatching(/tries again the next time/) });
    expect(await failed.db.getConversation('away')).toBeUndefined();
    expect(await failed.db.getConversation('shared')).toMatchObject({ title: 'IndexedDB title' });
    expect(await failed.db.listConflicts()).toEqual([]);
    expect(copyOf(storage)).toEqual(copy);
    await failed.db.close();

    vi.restoreAllMocks();
    const retried = await openHistory(factory, storage, clock.now);
    expect(retried.reports).toMatchObject([{ status: 'merged', conversations: 2, messages: 2 }]);
    expect(copyOf(storage).size).toBe(0);
  });

  it('interrupted while removing the copy, the next open finishes removing it and merges nothing twice', async () => {
    const { factory, storage, clock } = await splitHistory();
    const stillOnFallback = await openFallback(storage, clock.now);
    cutRemovalShort(storage, 3);
    const first = await openHistory(factory, storage, clock.now);
    expect(first.reports).toMatchObject([{ status: 'merged', conversations: 2 }]);
    expect(copyOf(storage).size).toBeGreaterThan(0);
    const conflicts = await first.db.listConflicts();
    await first.db.close();
    // A tab still writing to the copy is told where the history went, instead of writing beside it.
    await expectStorageError(
      stillOnFallback.createConversation({ projectId: 'p1' }),
      'unavailable',
      /moved .* into IndexedDB\. Reload/,
    );

    vi.restoreAllMocks();
    const second = await openHistory(factory, storage, clock.now);
    expect(second.reports).toEqual([]);
    expect(copyOf(storage).size).toBe(0);
    expect(await second.db.listConflicts()).toEqual(conflicts);
  });

  it('a full localStorage, which cannot take the mark, still has its copy removed', async () => {
    const { factory, storage, clock } = await splitHistory();
    const set = storage.setItem.bind(storage);
    vi.spyOn(storage, 'setItem').mockImplementation((key, value) => {
      if (key === `${PREFIX}meta`) throw new DOMException('full', 'QuotaExceededError');
      set(key, value);
    });
    const { reports } = await openHistory(factory, storage, clock.now);
    expect(reports).toMatchObject([{ status: 'merged', conversations: 2 }]);
    expect(copyOf(storage).size).toBe(0);
  });

  it('a localStorage open finds a half-removed merged copy and starts clean instead of showing its leftovers', async () => {
    const { factory, storage, clock } = await splitHistory();
    cutRemovalShort(storage, 2);
    await openHistory(factory, storage, clock.now);
    vi.restoreAllMocks();
    const fallback = await openFallback(storage);
    expect(await fallback.listProjects()).toEqual([]);
    expect([...copyOf(storage).keys()]).toEqual([`${PREFIX}meta`]);
  });

  it('two tabs merging at once bring everything over once, with one report and no doubled conflicts', async () => {
    const { factory, storage, clock } = await splitHistory();
    const [a, b] = await Promise.all([
      openHistory(factory, storage, clock.now),
      openHistory(factory, storage, clock.now),
    ]);
    expect([...a.reports, ...b.reports]).toEqual([
      { status: 'merged', conversations: 2, messages: 2, deletions: 0, conflicts: 2 },
    ]);
    expect(await a.db.listConflicts()).toHaveLength(2);
    expect(await b.db.getConversation('away')).toMatchObject({ messageCount: 2 });
    expect(copyOf(storage).size).toBe(0);
  });

  it('a write to the copy made while it was being merged is not removed with it, and comes over next time', async () => {
    const factory = new IDBFactory();
    const storage = new MemoryStorage();
    const fallback = await openFallback(storage);
    await fallback.createConversation({ projectId: 'p1', id: 'c' });
    const copy = readFallbackCopy(storage, DB, Date.now)!;
    await fallback.saveMessage(message('c', 'late', 'written during the merge'));
    await fallback.close();
    const idb = await IndexedDBAdapter.open({ dbName: DB, indexedDB: factory });
    opened.push(idb);
    await idb[mergeFallbackCopy](copy);
    expect(removeFallbackCopy(storage, DB, copy, idb.clientId)).toBe(false);
    expect(copyOf(storage).size).toBeGreaterThan(0);
    await idb.close();

    const { db, reports } = await openHistory(factory, storage);
    expect(reports).toMatchObject([{ status: 'merged', messages: 1 }]);
    expect((await db.loadConversation('c')).map((m) => m.id)).toEqual(['late']);
    expect(copyOf(storage).size).toBe(0);
  });

  it('a copy holding a record it cannot read merges none of it, says which, and leaves it in place', async () => {
    const factory = new IDBFactory();
    const storage = new MemoryStorage();
    const fallback = await openFallback(storage);
    await fallback.createConversation({ projectId: 'p1', id: 'c' });
    await fallback.saveMessage(message('c', 'm1', 'fine'));
    await fallback.close();
    const key = `${PREFIX}conv:c`;
    const entry = JSON.parse(storage.getItem(key)!);
    entry.messages[0].role = 'robot';
    storage.setItem(key, JSON.stringify(entry));
    const copy = copyOf(storage);

    const { db, reports } = await openHistory(factory, storage);
    expect(reports).toMatchObject([{ status: 'failed', error: expect.stringMatching(/message m1.*role/s) }]);
    expect(await db.getConversation('c')).toBeUndefined();
    expect(copyOf(storage)).toEqual(copy);
  });

  it('a copy that is not JSON is reported with the key to fix, and IndexedDB opens all the same', async () => {
    const factory = new IDBFactory();
    const storage = new MemoryStorage();
    await (await openFallback(storage)).createConversation({ projectId: 'p1', id: 'c' });
    storage.setItem(`${PREFIX}conv:c`, '{cut short');
    const { reports } = await openHistory(factory, storage);
    expect(reports).toMatchObject([{ status: 'failed', error: expect.stringContaining(`${PREFIX}conv:c`) }]);
    expect(storage.getItem(`${PREFIX}conv:c`)).toBe('{cut short');
  });

  it('opens without a report when there is no copy, or only an empty one', async () => {
    const factory = new IDBFactory();
    const storage = new MemoryStorage();
    expect((await openHistory(factory, storage)).reports).toEqual([]);
    await openFallback(storage);
    expect((await openHistory(factory, storage)).reports).toEqual([]);
    expect(copyOf(storage).size).toBe(0);
  });
});
