// The sessions and rate-limit attempts contract on PostgreSQL: one database
// for the file, emptied after each test so every test starts from a fresh store.
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PgSyncStore } from '../../src/store/pg.js';
import { authStoreContract } from '../contract/auth-store.js';
import { createTestDatabase, type TestDatabase } from '../pg-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

authStoreContract('PostgreSQL', async () => {
  const store = await PgSyncStore.open({ connectionString: database.url });
  return {
    store,
    dispose: async () => {
      await store.close();
      const client = new pg.Client(database.url);
      await client.connect();
      await client.query('TRUNCATE users, version_counters, sessions, records, auth_attempts CASCADE');
      await client.end();
    },
  };
});
