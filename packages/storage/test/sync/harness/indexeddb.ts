// Opens the IndexedDB adapter on a given (fake) IDBFactory: one per device.
import type { IDBFactory } from 'fake-indexeddb';
import type { SyncableChatStorage } from '../../../src/types.js';

type IndexedDBModule = {
  IndexedDBAdapter: {
    open(opts: { dbName: string; indexedDB: IDBFactory }): Promise<SyncableChatStorage>;
  };
};

const MODULE = '../../../src/indexeddb/index.js';

export async function openIndexedDB(dbName: string, factory: IDBFactory): Promise<SyncableChatStorage> {
  const { IndexedDBAdapter } = (await import(/* @vite-ignore */ MODULE)) as IndexedDBModule;
  return IndexedDBAdapter.open({ dbName, indexedDB: factory });
}
