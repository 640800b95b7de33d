// The SQLite SyncStore. better-sqlite3 is synchronous, so a push runs as one
// uninterrupted transaction: concurrent requests are serialised and every
// version is unique. WAL with synchronous=FULL makes a commit durable before
// the answer leaves the server.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RecordKind } from '../protocol.js';
import { applyChangeSync } from '../sync/apply-change.js';
import { plaintextRefusal } from '../sync/encrypted-data.js';
import { applicationOrder } from '../sync/resolve.js';
import { migrate } from './migrations.js';
import { pageWithin, withProjects } from './paging.js';
import { SqliteAccountTables } from './sqlite-account.js';
import { SqliteAuthTables } from './sqlite-auth.js';
import {
  type AccountKeysOutcome,
  type AccountKeysRecord,
  type AccountKeysWrite,
  type AttemptOutcome,
  type AttemptWindow,
  type ChangeNotice,
  type ConversationPage,
  type PullPage,
  type PushOutcome,
  type RecordHead,
  type SessionRecord,
  type ShareRecord,
  type StoredChange,
  type SyncStore,
  UsernameTakenError,
  type UserRecord,
  type UserSummary,
  type ValidChange,
} from './types.js';

export const DB_FILE_NAME = 'chatkeep.sqlite';

interface HeadRow {
  kind: RecordKind;
  id: string;
  project_id: string;
  conversation_id: string | null;
  hlc: string;
  deleted: 0 | 1;
  version: number;
}

interface RecordRow extends HeadRow {
  data: string | null;
}

/** Every column but data: conflict checks never load a record's content. */
const HEAD_COLUMNS = 'kind, id, project_id, conversation_id, hlc, deleted, version';

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
}

function toHead(row: HeadRow): RecordHead {
  return {
    kind: row.kind,
    id: row.id,
    projectId: row.project_id,
    conversationId: row.conversation_id,
    hlc: row.hlc,
    deleted: row.deleted === 1,
    version: row.version,
  };
}

function toStored(row: RecordRow): StoredChange {
  return { ...toHead(row), data: row.data };
}

function toUser(row: UserRow): UserRecord {
  return { id: row.id, username: row.username, passwordHash: row.password_hash, createdAt: row.created_at };
}

// A conversation's messages go through the conversation index, named:
// without statistics SQLite otherwise walks the primary key (every message of
// the user, in id order, for the ORDER BY id) and filters by conversation,
// 4.5 s for a page of 1,000 on the benchmark dataset instead of about 50 ms.
// SQLite refuses the statement if the index is gone.
export const MESSAGES_OF_SQL = `SELECT ${HEAD_COLUMNS}, data FROM records INDEXED BY records_by_conversation
  WHERE user_id = ? AND kind = 'message' AND conversation_id = ? AND id > ? ORDER BY id LIMIT ?`;
/** Newest first: from the latest, or from before an id. */
export const MESSAGES_NEWEST_OF_SQL = `SELECT ${HEAD_COLUMNS}, data FROM records INDEXED BY records_by_conversation
  WHERE user_id = ? AND kind = 'message' AND conversation_id = ? ORDER BY id DESC LIMIT ?`;
export const MESSAGES_BEFORE_SQL = `SELECT ${HEAD_COLUMNS}, data FROM records INDEXED BY records_by_conversation
  WHERE user_id = ? AND kind = 'message' AND conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?`;
export const LIVE_MESSAGES_OF_SQL = `SELECT ${HEAD_COLUMNS} FROM records INDEXED BY records_by_conversation
  WHERE user_id = ? AND kind = 'message' AND conversation_id = ? AND deleted = 0 ORDER BY id`;

function prepareStatements(db: Database.Database) {
  return {
    insertUser: db.prepare(
      'INSERT INTO users (id, username, password_hash, created_at) VALUES (@id, @username, @passwordHash, @createdAt)',
    ),
    userByName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
    listUsers: db.prepare<[], UserRow & { records: number }>(
      `SELECT u.*, (SELECT count(*) FROM records r WHERE r.user_id = u.id) AS records
       FROM users u ORDER BY u.username`,
    ),
    deleteUser: db.prepare<[string]>('DELETE FROM users WHERE username = ?'),
    getHead: db.prepare<[string, string, string], HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM records WHERE user_id = ? AND kind = ? AND id = ?`,
    ),
    getRecord: db.prepare<[string, string, string], RecordRow>(
      `SELECT ${HEAD_COLUMNS}, data FROM records WHERE user_id = ? AND kind = ? AND id = ?`,
    ),
    upsertRecord: db.prepare(
      `INSERT INTO records (user_id, kind, id, project_id, conversation_id, hlc, deleted, data, version)
       VALUES (@userId, @kind, @id, @projectId, @conversationId, @hlc, @deleted, @data, @version)
       ON CONFLICT (user_id, kind, id) DO UPDATE SET
         project_id = excluded.project_id, conversation_id = excluded.conversation_id, hlc = excluded.hlc,
         deleted = excluded.deleted, data = excluded.data, version = excluded.version`,
    ),
    liveMessagesOf: db.prepare<[string, string], HeadRow>(LIVE_MESSAGES_OF_SQL),
    nextVersion: db.prepare<[], { value: number }>(
      "UPDATE sequence SET value = value + 1 WHERE name = 'version' RETURNING value",
    ),
    pull: db.prepare<[string, number, number], RecordRow>(
      `SELECT ${HEAD_COLUMNS}, data FROM records WHERE user_id = ? AND version > ? ORDER BY version LIMIT ?`,
    ),
    maxVersion: db.prepare<[string], { v: number | null }>(
      'SELECT max(version) AS v FROM records WHERE user_id = ?',
    ),
    messagesOf: db.prepare<[string, string, string, number], RecordRow>(MESSAGES_OF_SQL),
    messagesNewestOf: db.prepare<[string, string, number], RecordRow>(MESSAGES_NEWEST_OF_SQL),
    messagesBefore: db.prepare<[string, string, string, number], RecordRow>(MESSAGES_BEFORE_SQL),
    projectsOf: db.prepare<[string], RecordRow>(
      `SELECT ${HEAD_COLUMNS}, data FROM records WHERE user_id = ? AND kind = 'project' ORDER BY id`,
    ),
    conversationsOf: db.prepare<[string, string, number], RecordRow>(
      `SELECT ${HEAD_COLUMNS}, data FROM records WHERE user_id = ? AND kind = 'conversation' AND id > ?
       ORDER BY id LIMIT ?`,
    ),
  };
}

export class SqliteSyncStore implements SyncStore {
  readonly kind = 'sqlite';
  readonly path: string;
  /** One process owns the file, so the process itself tells of its commits. */
  private readonly listeners = new Set<(notice: ChangeNotice) => void>();
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly auth: SqliteAuthTables;
  private readonly account: SqliteAccountTables;

  /** Opens (creating if needed) `<dataDir>/chatkeep.sqlite` and brings its schema up to date. */
  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, DB_FILE_NAME);
    const db = new Database(this.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // What a write replaces is zeroed, not left in the file's free space: the
    // plaintext an account had before turning end-to-end encryption on, the
    // content of a deleted record.
    db.pragma('secure_delete = ON');
    migrate(db);
    this.db = db;
    this.stmt = prepareStatements(db);
    this.auth = new SqliteAuthTables(db);
    this.account = new SqliteAccountTables(db);
  }

  async createUser(user: UserRecord): Promise<void> {
    try {
      this.stmt.insertUser.run(user);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new UsernameTakenError(`The username ${user.username} is taken.`);
      }
      throw error;
    }
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const row = this.stmt.userByName.get(username);
    return row && toUser(row);
  }

  async listUsers(): Promise<UserSummary[]> {
    return this.stmt.listUsers
      .all()
      .map((r) => ({ id: r.id, username: r.username, createdAt: r.created_at, records: r.records }));
  }

  async removeUser(username: string): Promise<boolean> {
    return this.stmt.deleteUser.run(username).changes > 0;
  }

  async createSession(session: SessionRecord, maxPerUser: number): Promise<void> {
    this.auth.createSession(session, maxPerUser);
  }

  async findSession(tokenHash: string, usedSince: number): Promise<SessionRecord | undefined> {
    return this.auth.findSession(tokenHash, usedSince);
  }

  async touchSession(id: string, at: number): Promise<void> {
    this.auth.touchSession(id, at);
  }

  async listSessions(userId: string, usedSince: number): Promise<SessionRecord[]> {
    return this.auth.listSessions(userId, usedSince);
  }

  async deleteSession(userId: string, id: string): Promise<boolean> {
    return this.auth.deleteSession(userId, id);
  }

  async pruneSessions(before: number): Promise<void> {
    this.auth.pruneSessions(before);
  }

  async liveSessionIds(ids: string[], usedSince: number): Promise<Set<string>> {
    return this.auth.liveSessionIds(ids, usedSince);
  }

  async takeAttempt(windows: AttemptWindow[], now: number): Promise<AttemptOutcome> {
    return this.auth.takeAttempt(windows, now);
  }

  async releaseAttempt(ids: number[]): Promise<void> {
    this.auth.releaseAttempt(ids);
  }

  async readAccountKeys(userId: string): Promise<AccountKeysRecord> {
    return this.account.readKeys(userId);
  }

  async writeAccountKeys(
    userId: string,
    previous: number,
    next: AccountKeysWrite,
    at: number,
  ): Promise<AccountKeysOutcome> {
    return this.account.writeKeys(userId, previous, next, at);
  }

  async createShare(share: ShareRecord): Promise<void> {
    this.account.createShare(share);
  }

  async readShare(id: string): Promise<ShareRecord | undefined> {
    return this.account.readShare(id);
  }

  async listShares(userId: string): Promise<Omit<ShareRecord, 'data'>[]> {
    return this.account.listShares(userId);
  }

  async revokeShare(userId: string, id: string, at: number): Promise<boolean> {
    return this.account.revokeShare(userId, id, at);
  }

  async push(userId: string, changes: ValidChange[]): Promise<PushOutcome[]> {
    let greatest = 0;
    const outcomes = this.db.transaction(() => {
      const answers: PushOutcome[] = new Array(changes.length);
      const encrypted = this.account.refusesPlaintext(userId);
      for (const i of applicationOrder(changes)) {
        const refusal = encrypted ? plaintextRefusal(changes[i]!) : undefined;
        if (refusal) {
          answers[i] = refusal;
          continue;
        }
        answers[i] = applyChangeSync(changes[i]!, (step) => {
          if (step.op === 'head') {
            const row = this.stmt.getHead.get(userId, step.kind, step.id);
            return row && toHead(row);
          }
          if (step.op === 'live-messages') {
            return this.stmt.liveMessagesOf.all(userId, step.conversationId).map(toHead);
          }
          greatest = this.write(userId, step.change, step.conversationId);
          return greatest;
        });
      }
      return answers;
    })();
    // After the commit: a listener that pulls at once sees the change.
    if (greatest > 0) this.notify({ userId, version: greatest });
    return outcomes;
  }

  private notify(notice: ChangeNotice): void {
    for (const listener of this.listeners) listener(notice);
  }

  onChange(listener: (notice: ChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(userId: string, change: ValidChange, conversationId: string | null): number {
    const version = this.stmt.nextVersion.get()!.value;
    this.stmt.upsertRecord.run({
      userId,
      kind: change.kind,
      id: change.id,
      projectId: change.projectId,
      conversationId,
      hlc: change.hlc,
      deleted: change.deleted ? 1 : 0,
      data: change.deleted ? null : change.data,
      version,
    });
    return version;
  }

  async pull(userId: string, since: number, limit: number, maxDataBytes: number): Promise<PullPage> {
    // Row by row, so that a page of large records stops without loading the rest.
    return pageWithin(this.stmt.pull.iterate(userId, since, limit + 1), limit, maxDataBytes, toStored);
  }

  async messagesOf(
    userId: string,
    conversationId: string,
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage> {
    const rows = this.stmt.messagesOf.iterate(userId, conversationId, after, limit + 1);
    return pageWithin(rows, limit, maxDataBytes, toStored);
  }

  async messagesNewestOf(
    userId: string,
    conversationId: string,
    before: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage> {
    const rows =
      before === ''
        ? this.stmt.messagesNewestOf.iterate(userId, conversationId, limit + 1)
        : this.stmt.messagesBefore.iterate(userId, conversationId, before, limit + 1);
    return pageWithin(rows, limit, maxDataBytes, toStored);
  }

  async messagesOfMany(
    userId: string,
    conversationIds: readonly string[],
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage> {
    const statement = this.stmt.messagesOf;
    // Rows are read lazily, conversation after conversation: the page stops
    // reading at its count or budget. One read transaction: one snapshot.
    function* rows() {
      let left = limit + 1;
      for (const [i, conversationId] of conversationIds.entries()) {
        for (const row of statement.iterate(userId, conversationId, i === 0 ? after : '', left)) {
          yield row;
          left -= 1;
        }
        if (left <= 0) return;
      }
    }
    return this.db.transaction(() => pageWithin(rows(), limit, maxDataBytes, toStored))();
  }

  async conversationPage(
    userId: string,
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<ConversationPage> {
    // One read transaction: no push commits between the records and their version.
    return this.db.transaction(() => {
      const version = this.stmt.maxVersion.get(userId)?.v ?? 0;
      const rows = this.stmt.conversationsOf.iterate(userId, after, limit + 1);
      const page = pageWithin(rows, limit, maxDataBytes, toStored);
      return { ...withProjects(page, after, () => this.stmt.projectsOf.all(userId).map(toStored)), version };
    })();
  }

  async readRecord(userId: string, kind: RecordKind, id: string): Promise<StoredChange | undefined> {
    const row = this.stmt.getRecord.get(userId, kind, id);
    return row && toStored(row);
  }

  async maxVersion(userId: string): Promise<number> {
    return this.stmt.maxVersion.get(userId)?.v ?? 0;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
