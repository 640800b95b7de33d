// The contract against Chromium's real IndexedDB. Chromium here ignores the
// DevTools quota override (Storage.overrideQuotaForOrigin leaves the
// estimate unchanged in a fresh Playwright context), so quota is simulated
// the way a full disk shows up: put/add throw QuotaExceededError once a
// per-database byte budget is spent.
import { describeStorageContract } from '../contract/index.js';
import { IndexedDBAdapter } from './index.js';
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
