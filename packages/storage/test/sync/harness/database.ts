// The server's database under a running test server, read and changed
// directly, as someone who broke into the server would: the raw SQLite file
// (with its WAL) or every PostgreSQL table. The drivers are the server's own
// (packages/sync-server's dependencies).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverRequire = createRequire(
  fileURLToPath(new URL('../../../../sync-server/package.json', import.meta.url)),
);
/** The server's SQLite file name (packages/sync-server/src/store/sqlite.ts DB_FILE_NAME). */
const DB_FILE = 'chatkeep.sqlite';

type SqliteDatabase = {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  pragma(sql: string): unknown;
  close(): void;
};
type PgClient = {
  connect(): Promise<void>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
};
const Sqlite = serverRequire('better-sqlite3') as new (file: string) => SqliteDatabase;
const pg = serverRequire('pg') as { Client: new (opts: { connectionString: string }) => PgClient };

export const TEST_PG_URL =
  process.env.CHATKEEP_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ServerDatabase {
  /** Every byte the database holds, as text (SQLite: the file and its WAL; PostgreSQL: every table's rows). */
  text(): Promise<string>;
  /** Runs one statement (`$1`-style parameters) against it. */
  run(sql: string, params?: unknown[]): Promise<void>;
  /**
   * Moves SQLite's write-ahead log into the file and empties it, as the
   * server's own checkpoints do every 1000 pages (PostgreSQL: nothing to do).
   */
  checkpoint(): Promise<void>;
}

export function sqliteDatabase(dataDir: string): ServerDatabase {
  const file = join(dataDir, DB_FILE);
  return {
    async text() {
      return [file, `${file}-wal`]
        .map((path) => {
          try {
            return readFileSync(path).toString('latin1');
          } catch {
            return '';
          }
        })
        .join('\n');
    },
    async run(sql, params = []) {
      const db = new Sqlite(file);
      try {
        db.pragma('busy_timeout = 5000');
        db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
      } finally {
        db.close();
      }
    },
    async checkpoint() {
      const db = new Sqlite(file);
      try {
        db.pragma('busy_timeout = 5000');
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
  };
}

async function withPg<T>(url: string, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL database of the test's own on CHATKEEP_TEST_DATABASE_URL's server. */
export async function createPgDatabase(): Promise<ServerDatabase & { url: string; drop(): Promise<void> }> {
  const name = `chatkeep_e2ee_${randomBytes(6).toString('hex')}`;
  await withPg(TEST_PG_URL, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const href = url.toString();
  return {
    url: href,
    async text() {
      return withPg(href, async (client) => {
        const tables = await client.query<{ tablename: string }>(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
        );
        const dumps: string[] = [];
        for (const { tablename } of tables.rows) {
          dumps.push(JSON.stringify((await client.query(`SELECT * FROM "${tablename}"`)).rows));
        }
        return dumps.join('\n');
      });
    },
    async run(sql, params = []) {
      await withPg(href, (client) => client.query(sql, params));
    },
    async checkpoint() {},
    async drop() {
      await withPg(TEST_PG_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
