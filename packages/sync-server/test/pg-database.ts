// A PostgreSQL database of its own for one test file: created on the server
// of CHATKEEP_TEST_DATABASE_URL (scripts/test.sh starts a throwaway one when none
// answers) under a random name, dropped afterwards. No server is a failure
// that says what to do, never a skipped test.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG_URL =
  process.env.CHATKEEP_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `These tests need a PostgreSQL server at ${TEST_PG_URL} (${(error as Error).message}). ` +
        'Start one (scripts/test.sh starts a throwaway cluster when none answers; on Debian: ' +
        'pg_ctlcluster --skip-systemctl-redirect 15 main start) or set CHATKEEP_TEST_DATABASE_URL to a server ' +
        'where this user may create databases.',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `chatkeep_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
