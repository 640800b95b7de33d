// Opens the IndexedDB adapter on a given (fake) IDBFactory: one per device.
// idb needs IDBRequest and friends as globals; each device still gets its own factory.
import 'fake-indexeddb/auto';
import type { IDBFactory } from 'fake-indexeddb';
import { IndexedDBAdapter } from '../../../src/indexeddb/index.js';
import type { SyncableChatStorage } from '../../../src/types.js';

export function openIndexedDB(dbName: string, factory: IDBFactory): Promise<SyncableChatStorage> {
  return IndexedDBAdapter.open({ dbName, indexedDB: factory as unknown as globalThis.IDBFactory });
}
