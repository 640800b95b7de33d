// The contract against Chromium's real IndexedDB. Chromium here ignores the
// DevTools quota override (Storage.overrideQuotaForOrigin leaves the
// estimate unchanged in a fresh Playwright context), so quota is simulated
// the way a full disk shows up: put/add throw QuotaExceededError once a
// per-database byte budget is spent.
import { describe } from 'vitest';
import { createContext } from '../contract/context.js';
import { describeStorageContract } from '../contract/index.js';
import { pagingRules } from '../contract/paging.js';
import { IndexedDBAdapter } from './index.js';
import { withoutGetAllRecords } from './test-support/without-get-all-records.js';
import { enforceBudgets, setBudget } from './test-support/write-budget.js';

describeStorageContract({
  name: 'IndexedDB (Chromium)',
  open: (dbName) => IndexedDBAdapter.open({ dbName }),
  async openWithQuota(dbName, bytes) {
    enforceBudgets(IDBObjectStore.prototype);
    const adapter = await IndexedDBAdapter.open({ dbName });
    setBudget(dbName, bytes);
    return adapter;
  },
});

describe('storage contract: IndexedDB (Chromium) without getAllRecords', () => {
  withoutGetAllRecords(IDBIndex.prototype);
  pagingRules(
    createContext({ name: 'no getAllRecords', open: (dbName) => IndexedDBAdapter.open({ dbName }) }),
  );
});
