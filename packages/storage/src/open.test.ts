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
import { type IDBPDatabase, wrap } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { expectStorageError } from './contract/context.js';
import { StorageBlockedError } from './errors.js';
import { type ChatkeepSchemaV1, DB_VERSION } from './indexeddb/schema.js';
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

  describe('when another tab holds the database at an older version', () => {
    /**
     * Another tab of an older version: it wrote history on an old schema (v1,
     * which every later version upgrades from) and ignores versionchange.
     */
    async function oldTab(factory: IDBFactory) {
      expect(DB_VERSION).toBeGreaterThan(1);
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = factory.open('a', 1);
        request.onupgradeneeded = () => createV1(wrap(request.result) as never);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const old = wrap(db) as unknown as IDBPDatabase<ChatkeepSchemaV1>;
      const tx = old.transaction(['conversations', 'messages', 'projects'], 'readwrite');
      await tx.objectStore('conversations').put({
        ...{ id: 'c-old', projectId: 'p1', title: 'Written by the old tab', createdAt: 1, updatedAt: 2 },
        ...{ archived: false, pinned: false, tags: [], messageCount: 1, lastMessage: 'kept' },
      });
      await tx.objectStore('messages').put({
        ...{ id: 'm-old', conversationId: 'c-old', projectId: 'p1', role: 'user', content: 'kept' },
        ...{ status: 'complete', createdAt: 2, updatedAt: 2 },
      } as never);
      await tx.objectStore('projects').put({ id: 'p1' });
      await tx.done;
      let askedToClose = 0;
      db.onversionchange = () => {
        askedToClose += 1;
      };
      return { close: () => db.close(), askedToClose: () => askedToClose };
    }

    it("rejects with 'blocked', says to close or reload the other tabs, and never switches to localStorage", async () => {
      const factory = new IDBFactory();
      const old = await oldTab(factory);
      const storage = new MemoryStorage();
      const error = await expectStorageError(
        openChatStorage({ dbName: 'a', indexedDB: factory, storage, blockedGraceMs: 20 }),
        'blocked',
        /Close or reload the other Chatkeep tabs/,
      );
      expect(error).toBeInstanceOf(StorageBlockedError);
      expect(old.askedToClose()).toBe(1);
      expect(storage.length).toBe(0);
      old.close();
      await (error as StorageBlockedError).unblocked;
    });

    it('opening again while still blocked rejects the same way at once, instead of queueing unseen', async () => {
      const factory = new IDBFactory();
      const old = await oldTab(factory);
      const opts = { dbName: 'a', indexedDB: factory, storage: new MemoryStorage(), blockedGraceMs: 20 };
      const first = (await expectStorageError(openChatStorage(opts), 'blocked')) as StorageBlockedError;
      const second = (await expectStorageError(openChatStorage(opts), 'blocked')) as StorageBlockedError;
      // Both wait on the one request the browser holds back.
      expect(second.unblocked).toBe(first.unblocked);
      expect(old.askedToClose()).toBe(1);
      old.close();
      await first.unblocked;
    });

    it('once the other tab lets go, `unblocked` settles and opening again upgrades in place with nothing lost', async () => {
      const factory = new IDBFactory();
      const old = await oldTab(factory);
      const storage = new MemoryStorage();
      const opts = { dbName: 'a', indexedDB: factory, storage, blockedGraceMs: 20 };
      const error = (await expectStorageError(openChatStorage(opts), 'blocked')) as StorageBlockedError;
      let settled = false;
      void error.unblocked.then(() => {
        settled = true;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(settled).toBe(false);
      old.close();
      await error.unblocked;
      const db = await open(opts);
      expect(db.kind).toBe('indexeddb');
      expect(await db.getConversation('c-old')).toMatchObject({ title: 'Written by the old tab' });
      expect((await db.loadConversation('c-old')).map((m) => m.content)).toEqual(['kept']);
      // The upgrade gave the old history its sync bookkeeping.
      expect(await db.getSyncMetadata('message', 'm-old')).toMatchObject({ syncStatus: 'pending' });
      expect(storage.length).toBe(0);
    });

    it('a tab that closes within the grace period is waited for, not reported', async () => {
      const factory = new IDBFactory();
      const old = await oldTab(factory);
      setTimeout(() => old.close(), 30);
      const db = await open({ dbName: 'a', indexedDB: factory, blockedGraceMs: 2000 });
      expect(db.kind).toBe('indexeddb');
      expect(await db.getConversation('c-old')).toBeDefined();
    });
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
