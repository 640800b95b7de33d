import { PgSyncStore } from '../src/store/pg.js';
import { createTestDatabase } from './pg-database.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const open = () => PgSyncStore.open({ connectionString: database.url });
  const store = await open();
  return {
    store,
    another: open,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
});
