import { SqliteSyncStore } from '../../src/store/sqlite.js';
import { authStoreContract } from '../contract/auth-store.js';
import { tempDir } from '../helpers.js';

authStoreContract('SQLite', async () => {
  const dir = tempDir();
  const store = new SqliteSyncStore(dir.path);
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});
