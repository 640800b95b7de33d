// Where a search index is kept between page loads: its own IndexedDB
// database `<dbName>-search` (apart from the history, so dropping it never
// touches conversations), or a localStorage key when IndexedDB is missing.
import { type DBSchema, type IDBPDatabase, wrap } from 'idb';
import { ChatStorageError } from '../errors.js';

/** Keeps one snapshot of a search index. Losing it only costs a rebuild. */
export interface SearchIndexStore {
  load(): Promise<unknown>;
  save(snapshot: unknown): Promise<void>;
  clear(): Promise<void>;
  close(): void;
}

interface SearchDb extends DBSchema {
  snapshots: { key: string; value: unknown };
}

const KEY = 'index';

export async function openIndexedDBSearchStore(opts: {
  dbName: string;
  indexedDB?: IDBFactory;
}): Promise<SearchIndexStore> {
  const factory = opts.indexedDB ?? globalThis.indexedDB;
  const request = factory.open(`${opts.dbName}-search`, 1);
  request.onupgradeneeded = () => {
    if (!request.result.objectStoreNames.contains('snapshots')) request.result.createObjectStore('snapshots');
  };
  const db = (await wrap(request)) as unknown as IDBPDatabase<SearchDb>;
  // Let a newer version of the app upgrade or delete this database.
  db.addEventListener('versionchange', () => db.close());
  return {
    load: () => db.get('snapshots', KEY),
    save: async (snapshot) => {
      await db.put('snapshots', snapshot, KEY);
    },
    clear: () => db.delete('snapshots', KEY),
    close: () => db.close(),
  };
}

/** Where the search index of `dbName` is kept when it lives in localStorage. */
export function localStorageSearchKey(dbName: string): string {
  return `${dbName}-search`;
}

export function localStorageSearchStore(opts: { dbName: string; storage: Storage }): SearchIndexStore {
  const key = localStorageSearchKey(opts.dbName);
  return {
    load: async () => {
      const text = opts.storage.getItem(key);
      if (text === null) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    },
    save: async (snapshot) => {
      opts.storage.setItem(key, JSON.stringify(snapshot));
    },
    clear: async () => opts.storage.removeItem(key),
    close: () => {},
  };
}

/**
 * The store for the history database `dbName`: IndexedDB when there is one
 * (or `indexedDB` is given), else localStorage (or `storage`).
 */
export async function openSearchIndexStore(opts: {
  dbName: string;
  indexedDB?: IDBFactory;
  storage?: Storage;
}): Promise<SearchIndexStore> {
  const factory = opts.indexedDB ?? (opts.storage ? undefined : globalThis.indexedDB);
  if (factory) {
    try {
      return await openIndexedDBSearchStore({ dbName: opts.dbName, indexedDB: factory });
    } catch {
      // Private modes can refuse IndexedDB; fall through to localStorage.
    }
  }
  const storage = opts.storage ?? globalThis.localStorage;
  if (!storage) {
    throw new ChatStorageError(
      'unavailable',
      'Neither IndexedDB nor localStorage is available to keep the search index; create the index without `persist`.',
    );
  }
  return localStorageSearchStore({ dbName: opts.dbName, storage });
}
