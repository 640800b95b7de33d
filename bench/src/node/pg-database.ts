// A PostgreSQL database of its own for the server figures on PostgreSQL, on
// the server of CHATKEEP_BENCH_PG_URL (else CHATKEEP_TEST_DATABASE_URL, else the
// one on 127.0.0.1:5432), dropped at the end. scripts/bench.sh starts a
// throwaway server when none answers.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL =
  process.env.CHATKEEP_BENCH_PG_URL ||
  process.env.CHATKEEP_TEST_DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client(ADMIN_URL);
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `The PostgreSQL figures need a server at ${ADMIN_URL} (${(error as Error).message}); run scripts/bench.sh, which starts one, or set CHATKEEP_BENCH_PG_URL.`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `chatkeep_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
