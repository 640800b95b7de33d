// What only the PostgreSQL store has: a schema that several instances
// migrate at once, and the server running on it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgSyncStore } from '../src/store/pg.js';
import { PG_SCHEMA_VERSION } from '../src/store/pg-migrations.js';
import { request, signup, startTestServer } from './helpers.js';
import { createTestDatabase, type TestDatabase } from './pg-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

async function schemaVersion(): Promise<number> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    return (await client.query('SELECT version FROM chatkeep_schema')).rows[0].version;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL store', () => {
  it('several instances starting at once migrate the schema once and all open', async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => PgSyncStore.open({ connectionString: database.url })),
    );
    expect(await schemaVersion()).toBe(PG_SCHEMA_VERSION);
    await stores[0]!.createUser({ id: 'u1', username: 'u1', passwordHash: 'x', createdAt: 1 });
    expect((await stores[3]!.findUserByName('u1'))?.id).toBe('u1');
    await Promise.all(stores.map((s) => s.close()));
  });

  it('refuses a database written by a newer server, saying to upgrade', async () => {
    const client = new pg.Client(database.url);
    await client.connect();
    await client.query('UPDATE chatkeep_schema SET version = version + 1');
    try {
      await expect(PgSyncStore.open({ connectionString: database.url })).rejects.toThrow(
        /newer Chatkeep server .* Upgrade the server/,
      );
    } finally {
      await client.query('UPDATE chatkeep_schema SET version = version - 1');
      await client.end();
    }
  });

  it('an unreachable database stops the server from starting, naming the cause', async () => {
    await expect(startTestServer({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it('the server runs on it and says so in /v1/health', async () => {
    const server = await startTestServer({ databaseUrl: database.url });
    try {
      expect((await request(server.url, 'GET', '/v1/health')).body).toMatchObject({
        protocol: '1.1',
        store: 'postgres',
      });
      expect((await signup(server.url)).token).toEqual(expect.any(String));
    } finally {
      await server.stop();
    }
  });
});
