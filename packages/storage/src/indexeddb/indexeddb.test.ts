import 'fake-indexeddb/auto';
import {
  IDBCursor as FakeCursor,
  IDBIndex as FakeIndex,
  IDBObjectStore as FakeStore,
  IDBFactory,
} from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { put, remoteConversation, remoteMessage } from '../contract/apply-remote.js';
import { remoteStamp } from '../contract/context.js';
import { ChatStorageError, StorageBlockedError } from '../errors.js';
import type { Conversation, Message, MessageInput } from '../types.js';
import { IndexedDBAdapter } from './adapter.js';
import { BLOCKED_GRACE_MS } from './blocked-open.js';
import type { ChatkeepSchemaV1, MessageV1 } from './schema.js';
import { createV1 } from './upgrade.js';

const opened: IndexedDBAdapter[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((a) => a.close()));
});

async function open(indexedDB: IDBFactory, dbName = 'chatkeep'): Promise<IndexedDBAdapter> {
  const adapter = await IndexedDBAdapter.open({ dbName, indexedDB });
  opened.push(adapter);
  return adapter;
}

/** Counts cursor steps inside fake-indexeddb (its internal _iterate runs once per step). */
function cursorSteps() {
  return vi.spyOn(FakeCursor.prototype as unknown as { _iterate: (...a: unknown[]) => unknown }, '_iterate');
}

/**
 * Counts the values that getAll/getAllRecords requests return inside
 * fake-indexeddb, and the requests themselves, from the moment it is called.
 */
function recordsRead() {
  const proto = FakeIndex.prototype as unknown as Record<'getAll' | 'getAllRecords', () => unknown>;
  const calls = [vi.spyOn(proto, 'getAll')];
  if ('getAllRecords' in proto) calls.push(vi.spyOn(proto, 'getAllRecords'));
  const requests = () =>
    calls.flatMap((spy) => spy.mock.results.map((r) => r.value as { result?: unknown[] }));
  return {
    requests: () => requests().length,
    values: () => requests().reduce((n, request) => n + (request.result?.length ?? 0), 0),
  };
}

/** Makes fake-indexeddb look like a browser without IDBIndex.getAllRecords until the test ends. */
function hideGetAllRecords(): void {
  const proto = FakeIndex.prototype as unknown as { getAllRecords?: unknown };
  const original = proto.getAllRecords;
  delete proto.getAllRecords;
  onTestFinished(() => {
    proto.getAllRecords = original;
  });
}

/**
 * Counts the rounds a write waits on IndexedDB: requests issued together
 * (before any of them completed) are one round, a request issued after
 * another completed starts a new one.
 */
function requestRounds() {
  let completed = 0;
  const issuedAt: number[] = [];
  const methods = ['get', 'getKey', 'put', 'add', 'delete', 'count', 'getAll', 'openCursor', 'openKeyCursor'];
  for (const proto of [FakeStore.prototype, FakeIndex.prototype] as unknown as Record<
    string,
    (...args: unknown[]) => IDBRequest
  >[]) {
    for (const name of methods) {
      const original = proto[name];
      if (!original) continue;
      vi.spyOn(proto, name).mockImplementation(function (this: unknown, ...args: unknown[]) {
        const request = original.apply(this, args);
        issuedAt.push(completed);
        request.addEventListener('success', () => {
          completed += 1;
        });
        return request;
      });
    }
  }
  return { rounds: () => new Set(issuedAt).size, requests: () => issuedAt.length };
}

async function rejection(promise: Promise<unknown>): Promise<ChatStorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChatStorageError);
  return error as ChatStorageError;
}

describe('IndexedDBAdapter: schema upgrades', () => {
  it('a version 1 database keeps its history and gains pending sync metadata', async () => {
    const v1 = await openDB<ChatkeepSchemaV1>('legacy', 1, {
      upgrade: (db) => createV1(db),
    });
    const conversation: Conversation = {
      id: 'c1',
      projectId: 'p1',
      title: 'Before sync',
      createdAt: 1000,
      updatedAt: 2000,
      archived: false,
      pinned: true,
      tags: ['old'],
      messageCount: 2,
      lastMessage: 'second',
    };
    const messages: MessageV1[] = ['first', 'second'].map((content, i) => ({
      id: `m${i}`,
      conversationId: 'c1',
      projectId: 'p1',
      role: 'user',
      content,
      status: 'complete',
      createdAt: 1000 + i,
      updatedAt: 1000 + i,
    }));
    await v1.put('conversations', conversation);
    for (const m of messages) await v1.put('messages', m);
    await v1.put('projects', { id: 'p1' });
    v1.close();
    // openDB above used the global factory installed by fake-indexeddb/auto.
    const adapter = await open(globalThis.indexedDB as IDBFactory, 'legacy');

    expect(await adapter.getConversation('c1')).toEqual(conversation);
    // Version 3 made the history a tree: each message follows the one before it.
    expect(await adapter.loadConversation('c1')).toEqual([
      { ...messages[0], parentId: null },
      { ...messages[1], parentId: 'm0' },
    ]);
    expect(await adapter.listProjects()).toEqual(['p1']);
    const pending = await adapter.pendingChanges(10);
    expect(pending.map((c) => `${c.kind}:${c.id}`)).toEqual(['conversation:c1', 'message:m0', 'message:m1']);
    expect(pending[0]?.data).toEqual({
      id: 'c1',
      projectId: 'p1',
      title: 'Before sync',
      createdAt: 1000,
      updatedAt: 2000,
      archived: false,
      pinned: true,
      tags: ['old'],
    });
    expect(pending.every((c) => c.hlc.endsWith(`:${adapter.clientId}`))).toBe(true);

    // The new stores work and the clock resumes after the upgrade's stamps.
    const m = await adapter.saveMessage({
      id: 'm2',
      conversationId: 'c1',
      projectId: 'p1',
      role: 'assistant',
      content: 'third',
    });
    expect(m.createdAt).toBeGreaterThan(0);
    const meta = await adapter.getSyncMetadata('message', 'm2');
    expect(meta!.hlc > pending[2]!.hlc).toBe(true);
    await adapter.applyRemote([], 'cursor-1');
    expect(await adapter.getCursor()).toBe('cursor-1');
    expect(m.parentId).toBe('m1');
    expect(await adapter.getConversation('c1')).toMatchObject({ messageCount: 3, lastMessage: 'third' });
  });
});

describe('IndexedDBAdapter: opening', () => {
  it("rejects with 'unavailable' when there is no IndexedDB", async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    delete (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    try {
      const error = await rejection(IndexedDBAdapter.open({ dbName: 'none' }));
      expect(error.code).toBe('unavailable');
      expect(error.message).toMatch(/IndexedDB is not available/);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'indexedDB', saved);
    }
  });

  it("rejects with 'unavailable' when opening throws (e.g. storage blocked by the browser)", async () => {
    const throwing = {
      open() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const error = await rejection(IndexedDBAdapter.open({ dbName: 'x', indexedDB: throwing }));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/SecurityError/);
  });

  it("rejects with 'blocked' after the grace period when an old tab holds the database and ignores versionchange", async () => {
    const indexedDB = new IDBFactory();
    // An old tab: version 1 open, ignoring versionchange.
    const request = indexedDB.open('held', 1);
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const started = Date.now();
    const error = await rejection(IndexedDBAdapter.open({ dbName: 'held', indexedDB }));
    expect(error).toBeInstanceOf(StorageBlockedError);
    expect(error.code).toBe('blocked');
    expect(error.message).toMatch(/Close or reload the other Chatkeep tabs/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(BLOCKED_GRACE_MS - 100);
    old.close();
    await (error as StorageBlockedError).unblocked;
  }, 10_000);

  it('closes itself when another tab needs a newer version, and says so', async () => {
    const indexedDB = new IDBFactory();
    const adapter = await open(indexedDB, 'upgrading');
    await adapter.createConversation({ projectId: 'p1' });
    const request = indexedDB.open('upgrading', 99);
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    expect(newer.version).toBe(99);
    const error = await rejection(adapter.listProjects());
    expect(error.code).toBe('closed');
    expect(error.message).toMatch(/newer version/);
    newer.close();
  });

  it('two adapters on one database share one clientId', async () => {
    const indexedDB = new IDBFactory();
    const a = await open(indexedDB, 'shared');
    const b = await open(indexedDB, 'shared');
    expect(a.clientId).toBe(b.clientId);
    expect(a.clientId).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});

describe('IndexedDBAdapter: reads stay small', () => {
  /** A database `name` holding one conversation of 500 messages, m000 to m499, oldest first. */
  async function fiveHundredMessages(name: string) {
    const adapter = await open(new IDBFactory(), name);
    const c = await adapter.createConversation({ projectId: 'p1' });
    const conv = { id: c.id, projectId: 'p1' };
    await adapter.saveConversation(
      conv,
      Array.from({ length: 500 }, (_, i) => ({
        ...conv,
        conversationId: c.id,
        id: `m${String(i).padStart(3, '0')}`,
        role: 'user' as const,
        content: `#${i}`,
        createdAt: i,
      })),
    );
    return { adapter, c };
  }

  it('the newest page is read in one request, never the whole conversation', async () => {
    const { adapter, c } = await fiveHundredMessages('paging');
    const reads = recordsRead();
    const page = await adapter.getMessages(c.id, { limit: 10 });
    expect(page.messages.map((m) => m.id)).toEqual(Array.from({ length: 10 }, (_, i) => `m${490 + i}`));
    expect(page.hasMore).toBe(true);
    // The page, plus one record to learn that older ones exist.
    expect(reads.values()).toBeLessThanOrEqual(11);
    expect(reads.requests()).toBe(1);
  });

  it('a page before a message reads the branch from its leaf down to the page in growing windows, nothing much older', async () => {
    const { adapter, c } = await fiveHundredMessages('paging-before');
    const reads = recordsRead();
    const page = await adapter.getMessages(c.id, { limit: 10, before: 'm250' });
    expect(page.messages.map((m) => m.id)).toEqual(Array.from({ length: 10 }, (_, i) => `m${240 + i}`));
    expect(page.hasMore).toBe(true);
    // `before` must be on the branch: the 260 messages from the leaf down to the page, read in doubling windows.
    expect(reads.values()).toBeLessThanOrEqual(2 * 260);
    expect(reads.requests()).toBeLessThanOrEqual(6);
  });

  it('without getAllRecords, a page reads its values in windows whose starts are found by skipping keys', async () => {
    const { adapter, c } = await fiveHundredMessages('paging-fallback');
    hideGetAllRecords();
    const reads = recordsRead();
    const valueCursors = vi.spyOn(FakeIndex.prototype, 'openCursor');
    const advance = vi.spyOn(FakeCursor.prototype, 'advance');
    const next = vi.spyOn(FakeCursor.prototype, 'continue');
    const page = await adapter.getMessages(c.id, { limit: 10 });
    expect(page.messages.map((m) => m.id)).toEqual(Array.from({ length: 10 }, (_, i) => `m${490 + i}`));
    expect(page.hasMore).toBe(true);
    expect(reads.values()).toBe(10);
    // Keys only, skipped in one request: no round trip per message.
    expect(valueCursors).not.toHaveBeenCalled();
    expect(advance).toHaveBeenCalledTimes(1);
    expect(next).not.toHaveBeenCalled();
  });

  it('a message write updates the summary without loading the conversation', async () => {
    const indexedDB = new IDBFactory();
    const adapter = await open(indexedDB, 'summary');
    const c = await adapter.createConversation({ projectId: 'p1' });
    const conv = { id: c.id, projectId: 'p1' };
    await adapter.saveConversation(
      conv,
      Array.from({ length: 200 }, (_, i) => ({
        ...conv,
        conversationId: c.id,
        id: `m${i}`,
        role: 'user' as const,
        content: `${i}`,
        createdAt: i,
      })),
    );
    const getAll = vi.spyOn(FakeIndex.prototype, 'getAll');
    const steps = cursorSteps();
    await adapter.saveMessage({
      ...conv,
      conversationId: c.id,
      id: 'new',
      role: 'assistant',
      content: 'latest',
      createdAt: 10_000,
    });
    expect(getAll).not.toHaveBeenCalled();
    // The newest message: one reverse-cursor step.
    expect(steps.mock.calls.length).toBeLessThanOrEqual(1);
    expect(await adapter.getConversation(c.id)).toMatchObject({ messageCount: 201, lastMessage: 'latest' });
  });
});

describe('IndexedDBAdapter: message writes wait on few rounds of requests', () => {
  async function longConversation(name: string) {
    const adapter = await open(new IDBFactory(), name);
    const c = await adapter.createConversation({ projectId: 'p1' });
    const conv = { id: c.id, projectId: 'p1', conversationId: c.id };
    await adapter.saveConversation(
      { id: c.id, projectId: 'p1' },
      Array.from({ length: 100 }, (_, i) => ({
        ...conv,
        id: `m${i}`,
        role: 'user' as const,
        content: `${i}`,
        createdAt: i,
      })),
    );
    return { adapter, conv };
  }

  it('a streamed chunk (updateMessage) waits on at most six rounds, whatever the conversation length', async () => {
    const { adapter, conv } = await longConversation('rounds-update');
    await adapter.saveMessage({
      ...conv,
      id: 'answer',
      role: 'assistant',
      content: '',
      status: 'pending',
      createdAt: 1000,
    });
    const counted = requestRounds();
    await adapter.updateMessage('answer', { content: 'streamed text', status: 'streaming' });
    // The clock, the message, then its write with the sync entry, the conversation and the newest key, the summary, the clock.
    expect(counted.rounds()).toBeLessThanOrEqual(6);
    expect(await adapter.getConversation(conv.id)).toMatchObject({
      messageCount: 101,
      lastMessage: 'streamed text',
    });
  });

  it('appending a message (saveMessage) waits on at most six rounds', async () => {
    const { adapter, conv } = await longConversation('rounds-save');
    const counted = requestRounds();
    await adapter.saveMessage({ ...conv, id: 'new', role: 'user', content: 'appended', createdAt: 1000 });
    expect(counted.rounds()).toBeLessThanOrEqual(6);
    expect(await adapter.getConversation(conv.id)).toMatchObject({
      messageCount: 101,
      lastMessage: 'appended',
    });
  });

  it("editing an earlier message keeps the preview of the branch's last one", async () => {
    const { adapter, conv } = await longConversation('rounds-older');
    const edited = await adapter.updateMessage('m5', { content: 'edited' });
    expect(edited.content).toBe('edited');
    expect(await adapter.getConversation(conv.id)).toMatchObject({ messageCount: 100, lastMessage: '99' });
    // Moved back in time, the last message still ends its branch: its place is its parentId.
    await adapter.updateMessage('m99', { createdAt: 0 });
    expect(await adapter.getConversation(conv.id)).toMatchObject({ messageCount: 100, lastMessage: '99' });
  });
});

describe('IndexedDBAdapter: pending changes use the outbox index', () => {
  it('synced records are not read when listing or counting the outbox', async () => {
    const indexedDB = new IDBFactory();
    const adapter = await open(indexedDB, 'outbox');
    const c = await adapter.createConversation({ projectId: 'p1' });
    for (let i = 0; i < 30; i++) {
      await adapter.saveMessage({
        id: `m${i}`,
        conversationId: c.id,
        projectId: 'p1',
        role: 'user',
        content: 'x',
        createdAt: i,
      });
    }
    const all = await adapter.pendingChanges(100);
    await adapter.markPushed(
      all.slice(0, 29).map((x, i) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: i + 1 })),
      1,
    );
    const steps = cursorSteps();
    expect(await adapter.pendingCount()).toBe(2);
    expect((await adapter.pendingChanges(100)).map((x) => x.id)).toEqual(['m28', 'm29']);
    expect(steps.mock.calls.length).toBeLessThanOrEqual(3);
  });
});

describe('IndexedDBAdapter: a branch is read without reading the other branches', () => {
  /** 1,000 messages in one branch, with a replaced answer (an older version) every 10 messages. */
  async function regenerated(name: string) {
    const adapter = await open(new IDBFactory(), name);
    const c = await adapter.createConversation({ projectId: 'p1' });
    const base = { conversationId: c.id, projectId: 'p1', role: 'assistant' as const };
    const messages: MessageInput[] = [];
    const branch: string[] = [];
    let parentId: string | null = null;
    let at = 0;
    for (let i = 0; i < 1000; i++) {
      const id = `m${String(i).padStart(4, '0')}`;
      if (i % 10 === 9) {
        // The first answer, replaced by the next message (same parent).
        messages.push({ ...base, id: `${id}-v1`, content: 'first try', parentId, createdAt: at++ });
      }
      messages.push({ ...base, id, content: `#${i}`, parentId, createdAt: at++ });
      branch.push(id);
      parentId = id;
    }
    await adapter.saveConversation({ id: c.id, projectId: 'p1' }, messages);
    return { adapter, c, branch };
  }

  it('the newest page of the branch takes a few requests and about a page of values', async () => {
    const { adapter, c, branch } = await regenerated('branch-page');
    expect(await adapter.getConversation(c.id)).toMatchObject({ messageCount: 1000, lastMessage: '#999' });
    const reads = recordsRead();
    const page = await adapter.getMessages(c.id);
    expect(page.messages.map((m) => m.id)).toEqual(branch.slice(-50));
    expect(page.hasMore).toBe(true);
    expect(reads.requests()).toBeLessThanOrEqual(3);
    expect(reads.values()).toBeLessThanOrEqual(200);
  });

  it('switching to an older version near the end reads only what came after it', async () => {
    const { adapter, c } = await regenerated('branch-switch');
    const reads = recordsRead();
    const switched = await adapter.selectVersion(c.id, 'm0989-v1');
    expect(switched).toMatchObject({ activeLeafId: 'm0989-v1', messageCount: 990, lastMessage: 'first try' });
    // The dozen messages after it, and one window where the two branches meet.
    expect(reads.values()).toBeLessThanOrEqual(100);
    const page = await adapter.getMessages(c.id, { limit: 3 });
    expect(page.messages.map((m) => m.id)).toEqual(['m0987', 'm0988', 'm0989-v1']);
    // And back: the newest leaf under the newer version is the old end of the conversation.
    expect(await adapter.selectVersion(c.id, 'm0989')).toMatchObject({
      activeLeafId: 'm0999',
      messageCount: 1000,
    });
  });
});

describe('IndexedDBAdapter: a large pulled page is never one long task', () => {
  const page = (n: number, bad?: number) => [
    put(remoteConversation({ id: 'c1', projectId: 'p1', title: 'Pulled' }), remoteStamp(1), 1),
    ...Array.from({ length: n }, (_, i) => {
      // Each names its parent, as a device that knows trees sends it: nothing to look up.
      const id = (n: number) => `m${String(n).padStart(4, '0')}`;
      const message = remoteMessage({
        id: id(i),
        conversationId: 'c1',
        parentId: i === 0 ? null : id(i - 1),
      });
      return put(
        i === bad ? { ...message, role: 'robot' as Message['role'] } : message,
        remoteStamp(2 + i),
        2 + i,
      );
    }),
  ];

  it('other tasks run while its writes are issued, all in one transaction', async () => {
    const adapter = await open(new IDBFactory());
    // A task that counts itself again and again, as the page's own work would run.
    let tasks = 0;
    let ticking = true;
    const tick = () => {
      tasks += 1;
      if (ticking) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const seenAtPut: number[] = [];
    const originalPut = FakeStore.prototype.put;
    vi.spyOn(FakeStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'messages') seenAtPut.push(tasks);
      return originalPut.apply(this, args as Parameters<IDBObjectStore['put']>);
    });
    const writes: number[] = [];
    adapter.subscribe((change) => writes.push(change.messages.length));
    try {
      await adapter.applyRemote(page(1000));
    } finally {
      ticking = false;
    }
    expect(seenAtPut).toHaveLength(1000);
    // Writes issued between two runs of the other task: never more than a few hundred.
    const perTask = new Map<number, number>();
    for (const at of seenAtPut) perTask.set(at, (perTask.get(at) ?? 0) + 1);
    expect(Math.max(...perTask.values())).toBeLessThanOrEqual(250);
    expect(writes).toEqual([1000]);
    expect(await adapter.getConversation('c1')).toMatchObject({ messageCount: 1000 });
  });

  it('a bad record far into the page is named by its place, and nothing of the page is written', async () => {
    const adapter = await open(new IDBFactory());
    const error = await rejection(adapter.applyRemote(page(900, 700)));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('Remote change [701]');
    expect(await adapter.getConversation('c1')).toBeUndefined();
  });
});
