// Several `node dist/main.js` processes on one PostgreSQL database of the
// test file's own, as behind a load balancer: started together (so they
// migrate the empty database at once) before the file's tests, killed and
// the database dropped after them.
import { afterAll, beforeAll } from 'vitest';
import { type Child, killChildren, requireBuiltServer, startChild } from './child-server.js';
import { createTestDatabase, type TestDatabase } from './pg-database.js';

/** Registers the hooks; the returned array is filled once they have run. */
export function childServersOnOneDatabase(count: number, env: Record<string, string> = {}): Child[] {
  const servers: Child[] = [];
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    requireBuiltServer();
    database = await createTestDatabase();
    const started = await Promise.all(
      Array.from({ length: count }, () => startChild({ CHATKEEP_DATABASE_URL: database!.url, ...env })),
    );
    servers.push(...started);
  });
  afterAll(async () => {
    killChildren();
    await database?.drop();
  });
  return servers;
}
