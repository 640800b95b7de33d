// Versioned schema of the PostgreSQL database: migration N brings
// chatkeep_schema.version from N-1 to N. Append new steps; never edit a
// released one. Every instance runs this at start: a transaction-scoped
// advisory lock makes instances that start together take turns, so each
// step runs once and a late instance finds the schema ready.
import type { PoolClient } from 'pg';

const MIGRATIONS: string[] = [
  // 1: the same tables as SQLite's schema 3. Ids compare as bytes (COLLATE "C")
  // so that paging by id agrees with SQLite. Versions count per user in
  // version_counters: a push locks its user's row until it commits, so a
  // user's versions commit in increasing order and a pull never skips one.
  `
  CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    username TEXT COLLATE "C" NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE version_counters (
    user_id TEXT COLLATE "C" PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    value BIGINT NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT COLLATE "C" PRIMARY KEY,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    user_agent TEXT
  );
  CREATE INDEX sessions_by_user ON sessions(user_id, last_used_at);
  CREATE INDEX sessions_by_last_use ON sessions(last_used_at);
  CREATE TABLE records (
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('conversation', 'message', 'project')),
    id TEXT COLLATE "C" NOT NULL,
    project_id TEXT COLLATE "C" NOT NULL,
    conversation_id TEXT COLLATE "C",
    hlc TEXT COLLATE "C" NOT NULL,
    deleted BOOLEAN NOT NULL,
    data TEXT,
    version BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, id),
    UNIQUE (user_id, version)
  );
  CREATE INDEX records_by_conversation ON records(user_id, conversation_id, id) WHERE kind = 'message';
  CREATE TABLE auth_attempts (
    id BIGSERIAL PRIMARY KEY,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX auth_attempts_by_key ON auth_attempts(scope, key, at);
  CREATE INDEX auth_attempts_by_expiry ON auth_attempts(expires_at);
  `,
  // 2: end-to-end encryption, as SQLite's schema 4: key material with a
  // revision for compare-and-set, and encrypted shares (a revoked one keeps
  // its row without data, to answer 410).
  `
  CREATE TABLE account_keys (
    user_id TEXT COLLATE "C" PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    material TEXT,
    encrypted BOOLEAN NOT NULL,
    revision BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE TABLE shares (
    id TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    data TEXT,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  );
  CREATE INDEX shares_by_user ON shares(user_id, created_at);
  `,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** Any fixed number: the advisory lock every Chatkeep instance takes to migrate. */
const MIGRATION_LOCK = 0x636b6d67; // "ckmg"

/** Brings the database to the newest schema, in one transaction. */
export async function migratePg(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS chatkeep_schema (
         one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one), version INTEGER NOT NULL)`,
    );
    await client.query('INSERT INTO chatkeep_schema (version) VALUES (0) ON CONFLICT DO NOTHING');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM chatkeep_schema');
    const current = rows[0]!.version;
    if (current > PG_SCHEMA_VERSION) {
      throw new Error(
        `The database was written by a newer Chatkeep server (schema ${current}, this one knows ${PG_SCHEMA_VERSION}). Upgrade the server.`,
      );
    }
    for (let next = current + 1; next <= PG_SCHEMA_VERSION; next++) {
      await client.query(MIGRATIONS[next - 1]!);
    }
    await client.query('UPDATE chatkeep_schema SET version = $1', [PG_SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
