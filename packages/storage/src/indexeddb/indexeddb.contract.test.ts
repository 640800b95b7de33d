import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describeStorageContract } from '../contract/index.js';
import { IndexedDBAdapter } from './index.js';
import { withQuota } from './test-support/quota-factory.js';

// One factory for the whole file: two opens of one name share data, like two tabs.
const indexedDB = new IDBFactory();

describeStorageContract({
  name: 'IndexedDB (fake-indexeddb)',
  open: (dbName) => IndexedDBAdapter.open({ dbName, indexedDB }),
  openWithQuota: (dbName, bytes) =>
    IndexedDBAdapter.open({ dbName, indexedDB: withQuota(indexedDB, dbName, bytes) }),
});
