// Versioned schema of the SQLite file: migration N brings `user_version`
// from N-1 to N. Append new steps; never edit a released one.
import type Database from 'better-sqlite3';

const MIGRATIONS: string[] = [
  // 1: accounts, sessions, records and the global version sequence.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_user ON sessions(user_id);
  CREATE TABLE records (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('conversation', 'message')),
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    conversation_id TEXT,
    hlc TEXT NOT NULL,
    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    data TEXT,
    version INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (user_id, kind, id)
  ) WITHOUT ROWID;
  CREATE INDEX records_by_version ON records(user_id, version);
  CREATE INDEX records_by_conversation ON records(user_id, conversation_id) WHERE kind = 'message';
  CREATE TABLE sequence (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  INSERT INTO sequence (name, value) VALUES ('version', 0);
  `,
  // 2: sessions get a public id (never the token hash), a last-use time for
  // expiry and the device's User-Agent; rate-limit attempts live here so that
  // every instance sharing the database sees them. Sessions from before count
  // as used now, so the upgrade does not log anyone out.
  `
  ALTER TABLE sessions ADD COLUMN id TEXT;
  ALTER TABLE sessions ADD COLUMN last_used_at INTEGER;
  ALTER TABLE sessions ADD COLUMN user_agent TEXT;
  UPDATE sessions SET id = lower(hex(randomblob(16))), last_used_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
  CREATE UNIQUE INDEX sessions_by_id ON sessions(id);
  CREATE INDEX sessions_by_last_use ON sessions(last_used_at);
  CREATE TABLE auth_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX auth_attempts_by_key ON auth_attempts(scope, key, at);
  CREATE INDEX auth_attempts_by_expiry ON auth_attempts(expires_at);
  `,
  // 3: records may be projects (protocol 1.1). SQLite cannot change a CHECK in
  // place, so the table is rebuilt; the conversation index gains the message
  // id so that a conversation's messages are read in id order (bootstrap).
  `
  CREATE TABLE records_v3 (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('conversation', 'message', 'project')),
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    conversation_id TEXT,
    hlc TEXT NOT NULL,
    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    data TEXT,
    version INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (user_id, kind, id)
  ) WITHOUT ROWID;
  INSERT INTO records_v3 (user_id, kind, id, project_id, conversation_id, hlc, deleted, data, version)
    SELECT user_id, kind, id, project_id, conversation_id, hlc, deleted, data, version FROM records;
  DROP TABLE records;
  ALTER TABLE records_v3 RENAME TO records;
  CREATE INDEX records_by_version ON records(user_id, version);
  CREATE INDEX records_by_conversation ON records(user_id, conversation_id, id) WHERE kind = 'message';
  `,
  // 4: end-to-end encryption. account_keys holds a user's key material (opaque
  // JSON text; NULL once removed), whether plaintext is refused, and a
  // revision that every write raises, so that two devices cannot overwrite
  // each other's keys blindly. shares holds encrypted snapshots; a revoked
  // share keeps its row without data, so that it answers 410 from then on.
  `
  CREATE TABLE account_keys (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    material TEXT,
    encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
    revision INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE shares (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    data TEXT,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX shares_by_user ON shares(user_id, created_at);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file to `target` (the newest schema unless a test asks for an older one). */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The database was written by a newer Chatkeep server (schema ${current}, this one knows ${SCHEMA_VERSION}). Upgrade the server.`,
    );
  }
  for (let next = current + 1; next <= target; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next - 1]!);
      db.pragma(`user_version = ${next}`);
    })();
  }
}
