import { SqliteSyncStore } from '../src/store/sqlite.js';
import { tempDir } from './helpers.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', async () => {
  const dir = tempDir();
  const store = new SqliteSyncStore(dir.path);
  return {
    store,
    // Another connection to the same file, as a second process would open.
    another: async () => new SqliteSyncStore(dir.path),
    cleanup: async () => {
      await store.close();
      dir.remove();
    },
  };
});
