import {
  IDBCursor,
  IDBCursorWithValue,
  IDBDatabase,
  IDBFactory,
  IDBIndex,
  IDBKeyRange,
  IDBObjectStore,
  IDBOpenDBRequest,
  IDBRequest,
  IDBTransaction,
  IDBVersionChangeEvent,
} from 'fake-indexeddb';
import { wrap } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { expectStorageError } from './contract/context.js';
import { createV1 } from './indexeddb/upgrade.js';
import { openChatStorage } from './open.js';
import { MemoryStorage } from './test-support/memory-storage.js';
import type { SyncableChatStorage } from './types.js';

// IndexedDB's classes as a browser has them, but no global `indexedDB`: each
// test hands in its own factory, or none to stand for a browser without one.
Object.assign(globalThis, {
  IDBCursor,
  IDBCursorWithValue,
  IDBDatabase,
  IDBIndex,
  IDBKeyRange,
  IDBObjectStore,
  IDBOpenDBRequest,
  IDBRequest,
  IDBTransaction,
  IDBVersionChangeEvent,
});

const opened: SyncableChatStorage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function open(opts: Parameters<typeof openChatStorage>[0]): Promise<SyncableChatStorage> {
  const db = await openChatStorage(opts);
  opened.push(db);
  return db;
}

/** An IDBFactory whose open throws, as some browsers' private modes do. */
const throwingFactory = {
  open() {
    throw new DOMException(
      'A mutation operation was attempted on a database that did not allow mutations.',
      'InvalidStateError',
    );
  },
} as unknown as IDBFactory;

describe('openChatStorage', () => {
  it('uses IndexedDB when it works', async () => {
    const storage = new MemoryStorage();
    const db = await open({ dbName: 'a', indexedDB: new IDBFactory(), storage });
    expect(db.kind).toBe('indexeddb');
    await db.createConversation({ projectId: 'p1' });
    expect(storage.length).toBe(0);
  });

  it('falls back to localStorage when there is no IndexedDB at all', async () => {
    expect((globalThis as { indexedDB?: unknown }).indexedDB).toBeUndefined();
    const storage = new MemoryStorage();
    const db = await open({ dbName: 'a', storage });
    expect(db.kind).toBe('localstorage');
    const c = await db.createConversation({ projectId: 'p1', title: 'kept' });
    expect(storage.getItem(`chatkeep:a:conv:${c.id}`)).toContain('kept');
  });

  it('falls back to localStorage when opening IndexedDB throws', async () => {
    const db = await open({ dbName: 'a', indexedDB: throwingFactory, storage: new MemoryStorage() });
    expect(db.kind).toBe('localstorage');
  });

  it('falls back to localStorage when another tab blocks the IndexedDB upgrade', async () => {
    const factory = new IDBFactory();
    // Another tab of an older version holds the database open and ignores versionchange.
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open('a', 1);
      request.onupgradeneeded = () => createV1(wrap(request.result) as never);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    let askedToClose = 0;
    old.onversionchange = () => {
      askedToClose += 1;
    };
    const db = await open({ dbName: 'a', indexedDB: factory, storage: new MemoryStorage() });
    expect(askedToClose).toBe(1);
    expect(db.kind).toBe('localstorage');
    // Once the old tab lets go, the late upgrade finishes quietly and the database opens normally.
    old.close();
    await new Promise((r) => setTimeout(r, 50));
    expect((await open({ dbName: 'a', indexedDB: factory })).kind).toBe('indexeddb');
  });

  it("prefer 'localstorage' uses localStorage even where IndexedDB works", async () => {
    const db = await open({
      dbName: 'a',
      prefer: 'localstorage',
      indexedDB: new IDBFactory(),
      storage: new MemoryStorage(),
    });
    expect(db.kind).toBe('localstorage');
  });

  it("prefer 'localstorage' still falls back to IndexedDB when localStorage is unusable", async () => {
    const db = await open({
      dbName: 'a',
      prefer: 'localstorage',
      indexedDB: new IDBFactory(),
      storage: new MemoryStorage(0),
    });
    expect(db.kind).toBe('indexeddb');
  });

  it("both storages share one dbName: prefer 'indexeddb' reopens the same data", async () => {
    const factory = new IDBFactory();
    const first = await open({ dbName: 'same', indexedDB: factory });
    const c = await first.createConversation({ projectId: 'p1', title: 'again' });
    await first.close();
    const second = await open({ dbName: 'same', indexedDB: factory });
    expect(await second.getConversation(c.id)).toMatchObject({ title: 'again' });
  });

  it('when neither storage can be used, the error says why and what to do', async () => {
    const error = await expectStorageError(
      openChatStorage({ dbName: 'a', indexedDB: throwingFactory, storage: new MemoryStorage(0) }),
      'unavailable',
      /private browsing/,
    );
    expect(error.message).toMatch(/IndexedDB/);
    expect(error.message).toMatch(/localStorage/);
  });

  it('refuses an unknown prefer value instead of guessing', async () => {
    await expectStorageError(
      openChatStorage({ prefer: 'sqlite' as never, storage: new MemoryStorage() }),
      'invalid-input',
      /prefer/,
    );
  });
});
