import 'fake-indexeddb/auto';
import { IDBIndex as FakeIndex, IDBFactory } from 'fake-indexeddb';
import { describe } from 'vitest';
import { createContext } from '../contract/context.js';
import { describeStorageContract } from '../contract/index.js';
import { pagingRules } from '../contract/paging.js';
import { IndexedDBAdapter } from './index.js';
import { withQuota } from './test-support/quota-factory.js';
import { withoutGetAllRecords } from './test-support/without-get-all-records.js';

// One factory for the whole file: two opens of one name share data, like two tabs.
const indexedDB = new IDBFactory();

describeStorageContract({
  name: 'IndexedDB (fake-indexeddb)',
  open: (dbName) => IndexedDBAdapter.open({ dbName, indexedDB }),
  openWithQuota: (dbName, bytes) =>
    IndexedDBAdapter.open({ dbName, indexedDB: withQuota(indexedDB, dbName, bytes) }),
});

describe('storage contract: IndexedDB (fake-indexeddb) without getAllRecords', () => {
  withoutGetAllRecords(FakeIndex.prototype);
  pagingRules(
    createContext({
      name: 'no getAllRecords',
      open: (dbName) => IndexedDBAdapter.open({ dbName, indexedDB }),
    }),
  );
});
