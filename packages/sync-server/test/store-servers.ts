// The server over each store, for HTTP tests that must hold on both: SQLite
// in a temp directory, PostgreSQL in a database of the test file's own.

import type { StartServerOptions } from '../src/server.js';
import { startTestServer, type TestServer } from './helpers.js';
import { createTestDatabase, type TestDatabase } from './pg-database.js';

export const STORES = ['sqlite', 'postgres'] as const;
export type StoreName = (typeof STORES)[number];

export interface StoreServers {
  /** The PostgreSQL database the instances share (undefined on SQLite). */
  databaseUrl?: string;
  /** Starts one more server instance on the same data. */
  start(opts?: Partial<StartServerOptions>): Promise<TestServer>;
  /** Stops every instance started and removes the data. */
  stopAll(): Promise<void>;
}

export async function storeServers(store: StoreName): Promise<StoreServers> {
  const database: TestDatabase | undefined = store === 'postgres' ? await createTestDatabase() : undefined;
  const servers: TestServer[] = [];
  let dataDir: string | undefined;
  return {
    databaseUrl: database?.url,
    async start(opts = {}) {
      const server = await startTestServer({
        ...(database ? { databaseUrl: database.url } : dataDir ? { dataDir } : {}),
        ...opts,
      });
      dataDir ??= server.dataDir;
      servers.push(server);
      return server;
    },
    async stopAll() {
      // The first server made the SQLite directory and removes it: stop it last.
      for (const server of servers.splice(0).reverse()) await server.stop();
      await database?.drop();
    },
  };
}
