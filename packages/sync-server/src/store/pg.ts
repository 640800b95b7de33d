// The PostgreSQL SyncStore, for any number of server instances on one
// database. A push is one transaction that first locks its user's row in
// version_counters: pushes of one user take turns, so their versions commit
// in increasing order on every instance, and pg_notify inside the same
// transaction tells every instance once the push has committed.
import pg from 'pg';
import type { RecordKind } from '../protocol.js';
import { type ApplyStep, applyChangeAsync, type StepAnswer } from '../sync/apply-change.js';
import { plaintextRefusal } from '../sync/encrypted-data.js';
import { applicationOrder } from '../sync/resolve.js';
import { pageWithin, withProjects } from './paging.js';
import { PgAccountTables, refusesPlaintext } from './pg-account.js';
import { PgAuthTables } from './pg-auth.js';
import { CHANGE_CHANNEL, changePayload, PgChangeListener } from './pg-changes.js';
import { migratePg } from './pg-migrations.js';
import { inTransaction } from './pg-transaction.js';
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

interface HeadRow {
  kind: RecordKind;
  id: string;
  project_id: string;
  conversation_id: string | null;
  hlc: string;
  deleted: boolean;
  version: number;
}

interface RecordRow extends HeadRow {
  data: string | null;
}

/** Every column but data: conflict checks never load a record's content. */
const HEAD_COLUMNS = 'kind, id, project_id, conversation_id, hlc, deleted, version';

function toHead(row: HeadRow): RecordHead {
  return {
    kind: row.kind,
    id: row.id,
    projectId: row.project_id,
    conversationId: row.conversation_id,
    hlc: row.hlc,
    deleted: row.deleted,
    version: row.version,
  };
}

function toStored(row: RecordRow): StoredChange {
  return { ...toHead(row), data: row.data };
}

/** A record's key within one user's records. */
const headKey = (kind: RecordKind, id: string) => `${kind}\u0000${id}`;

/** Upserts records in one statement; each key appears once (the batch's last write of it). */
async function writeRecords(
  client: pg.PoolClient,
  userId: string,
  writes: { change: ValidChange; conversationId: string | null; version: number }[],
): Promise<void> {
  await client.query(
    `INSERT INTO records (user_id, kind, id, project_id, conversation_id, hlc, deleted, data, version)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::bigint[])
     ON CONFLICT (user_id, kind, id) DO UPDATE SET
       project_id = excluded.project_id, conversation_id = excluded.conversation_id, hlc = excluded.hlc,
       deleted = excluded.deleted, data = excluded.data, version = excluded.version`,
    [
      userId,
      writes.map((w) => w.change.kind),
      writes.map((w) => w.change.id),
      writes.map((w) => w.change.projectId),
      writes.map((w) => w.conversationId),
      writes.map((w) => w.change.hlc),
      writes.map((w) => w.change.deleted),
      writes.map((w) => (w.change.deleted ? null : w.change.data)),
      writes.map((w) => w.version),
    ],
  );
}

const INT8_OID = 20;
/** BIGINT columns (times, versions) come back as numbers: every value stays below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A page of records in answer order, with how many data bytes come before
 * each, so that the page stops at its budget in the database. The limit is
 * applied first (the sums cover only the page's rows). A row is returned when
 * what precedes it fits, and the first two always: page assembly then sees
 * the first row that does not fit, and knows there is more.
 */
function pagedQuery(where: string, order: string): string {
  return `SELECT ${HEAD_COLUMNS}, data FROM (
      SELECT ${HEAD_COLUMNS}, data, row_number() OVER w AS n,
        coalesce(sum(octet_length(data)) OVER w, 0) - coalesce(octet_length(data), 0) AS bytes_before
      FROM (SELECT ${HEAD_COLUMNS}, data FROM records WHERE ${where} ORDER BY ${order} LIMIT $LIMIT) head
      WINDOW w AS (ORDER BY ${order})
    ) page WHERE n <= 2 OR bytes_before <= $BUDGET ORDER BY ${order}`;
}

const PULL_QUERY = pagedQuery('user_id = $1 AND version > $2', 'version')
  .replace('$LIMIT', '$3')
  .replace('$BUDGET', '$4');
const MESSAGES_QUERY = pagedQuery(
  "user_id = $1 AND kind = 'message' AND conversation_id = $2 AND id > $3",
  'id',
)
  .replace('$LIMIT', '$4')
  .replace('$BUDGET', '$5');
/** Newest first; `$3` '' reads from the latest (a custom plan folds the test away). */
const MESSAGES_NEWEST_QUERY = pagedQuery(
  "user_id = $1 AND kind = 'message' AND conversation_id = $2 AND ($3 = '' OR id < $3)",
  'id DESC',
)
  .replace('$LIMIT', '$4')
  .replace('$BUDGET', '$5');
const CONVERSATIONS_QUERY = pagedQuery("user_id = $1 AND kind = 'conversation' AND id > $2", 'id')
  .replace('$LIMIT', '$3')
  .replace('$BUDGET', '$4');

export interface PgStoreOptions {
  /** A postgres:// URL. */
  connectionString: string;
  /** Pooled connections for requests (the change listener has its own). */
  maxConnections?: number;
  /** Receives a line when the change listener loses its connection. */
  log?: (line: string) => void;
}

export class PgSyncStore implements SyncStore {
  readonly kind = 'postgres';
  private readonly auth: PgAuthTables;
  private readonly account: PgAccountTables;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly changes: PgChangeListener,
  ) {
    this.auth = new PgAuthTables(pool);
    this.account = new PgAccountTables(pool);
  }

  /** Connects, brings the schema up to date and starts listening for commits of every instance. */
  static async open(opts: PgStoreOptions): Promise<PgSyncStore> {
    const config = { connectionString: opts.connectionString, types };
    const pool = new pg.Pool({ ...config, max: opts.maxConnections ?? 10 });
    // An idle pooled connection that breaks is replaced; the error must not end the process.
    pool.on('error', (error) => opts.log?.(`database connection lost: ${error.message}`));
    const changes = new PgChangeListener(config, opts.log);
    try {
      const client = await pool.connect();
      try {
        await migratePg(client);
      } finally {
        client.release();
      }
      await changes.start();
    } catch (error) {
      await changes.close();
      await pool.end();
      throw error;
    }
    return new PgSyncStore(pool, changes);
  }

  async createUser(user: UserRecord): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await client.query(
          'INSERT INTO users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)',
          [user.id, user.username, user.passwordHash, user.createdAt],
        );
        await client.query('INSERT INTO version_counters (user_id, value) VALUES ($1, 0)', [user.id]);
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new UsernameTakenError(`The username ${user.username} is taken.`);
      }
      throw error;
    }
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      username: string;
      password_hash: string;
      created_at: number;
    }>('SELECT * FROM users WHERE username = $1', [username]);
    const row = rows[0];
    return (
      row && {
        id: row.id,
        username: row.username,
        passwordHash: row.password_hash,
        createdAt: row.created_at,
      }
    );
  }

  async listUsers(): Promise<UserSummary[]> {
    const { rows } = await this.pool.query<{
      id: string;
      username: string;
      created_at: number;
      records: number;
    }>(
      `SELECT u.id, u.username, u.created_at, (SELECT count(*)::int FROM records r WHERE r.user_id = u.id) AS records
       FROM users u ORDER BY u.username`,
    );
    return rows.map((r) => ({ id: r.id, username: r.username, createdAt: r.created_at, records: r.records }));
  }

  async removeUser(username: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM users WHERE username = $1', [username]);
    return (result.rowCount ?? 0) > 0;
  }

  createSession(session: SessionRecord, maxPerUser: number): Promise<void> {
    return this.auth.createSession(session, maxPerUser);
  }

  findSession(tokenHash: string, usedSince: number): Promise<SessionRecord | undefined> {
    return this.auth.findSession(tokenHash, usedSince);
  }

  touchSession(id: string, at: number): Promise<void> {
    return this.auth.touchSession(id, at);
  }

  listSessions(userId: string, usedSince: number): Promise<SessionRecord[]> {
    return this.auth.listSessions(userId, usedSince);
  }

  deleteSession(userId: string, id: string): Promise<boolean> {
    return this.auth.deleteSession(userId, id);
  }

  pruneSessions(before: number): Promise<void> {
    return this.auth.pruneSessions(before);
  }

  liveSessionIds(ids: string[], usedSince: number): Promise<Set<string>> {
    return this.auth.liveSessionIds(ids, usedSince);
  }

  takeAttempt(windows: AttemptWindow[], now: number): Promise<AttemptOutcome> {
    return this.auth.takeAttempt(windows, now);
  }

  releaseAttempt(ids: number[]): Promise<void> {
    return this.auth.releaseAttempt(ids);
  }

  readAccountKeys(userId: string): Promise<AccountKeysRecord> {
    return this.account.readKeys(userId);
  }

  writeAccountKeys(
    userId: string,
    previous: number,
    next: AccountKeysWrite,
    at: number,
  ): Promise<AccountKeysOutcome> {
    return this.account.writeKeys(userId, previous, next, at);
  }

  createShare(share: ShareRecord): Promise<void> {
    return this.account.createShare(share);
  }

  readShare(id: string): Promise<ShareRecord | undefined> {
    return this.account.readShare(id);
  }

  listShares(userId: string): Promise<Omit<ShareRecord, 'data'>[]> {
    return this.account.listShares(userId);
  }

  revokeShare(userId: string, id: string, at: number): Promise<boolean> {
    return this.account.revokeShare(userId, id, at);
  }

  push(userId: string, changes: ValidChange[]): Promise<PushOutcome[]> {
    return inTransaction(this.pool, async (client) => {
      // Held until commit: the next push of this user waits, so versions commit in order.
      const counter = await client.query<{ value: number }>(
        'SELECT value FROM version_counters WHERE user_id = $1 FOR UPDATE',
        [userId],
      );
      if (counter.rows.length === 0) throw new Error(`There is no user ${userId}.`);
      const first = counter.rows[0]!.value;
      let version = first;
      // One query reads every record the batch names (and the conversations of its
      // messages); the steps then see them, and the batch's own writes, from memory.
      const heads = new Map<string, RecordHead | undefined>();
      const wanted = new Map<string, [RecordKind, string]>();
      for (const change of changes) {
        wanted.set(headKey(change.kind, change.id), [change.kind, change.id]);
        if (change.conversationId) {
          wanted.set(headKey('conversation', change.conversationId), ['conversation', change.conversationId]);
        }
      }
      await this.readHeads(client, userId, [...wanted.values()], heads);
      // Writes wait here and go in one statement: before a read of live messages and at the end.
      const pending = new Map<
        string,
        { change: ValidChange; conversationId: string | null; version: number }
      >();
      const flush = async () => {
        if (pending.size > 0) await writeRecords(client, userId, [...pending.values()]);
        pending.clear();
      };
      const answer = async (step: ApplyStep): Promise<StepAnswer> => {
        if (step.op === 'head') {
          const key = headKey(step.kind, step.id);
          // A message tombstone names no conversation: its stored one was not read ahead.
          if (!heads.has(key)) await this.readHeads(client, userId, [[step.kind, step.id]], heads);
          return heads.get(key);
        }
        if (step.op === 'live-messages') {
          await flush();
          const { rows } = await client.query<HeadRow>(
            `SELECT ${HEAD_COLUMNS} FROM records
             WHERE user_id = $1 AND kind = 'message' AND conversation_id = $2 AND NOT deleted ORDER BY id`,
            [userId, step.conversationId],
          );
          return rows.map(toHead);
        }
        const { change, conversationId } = step;
        version++;
        const key = headKey(change.kind, change.id);
        pending.set(key, { change, conversationId, version });
        heads.set(key, {
          kind: change.kind,
          id: change.id,
          projectId: change.projectId,
          conversationId,
          hlc: change.hlc,
          deleted: change.deleted,
          version,
        });
        return version;
      };
      const outcomes: PushOutcome[] = new Array(changes.length);
      // Read under the counter lock, which a keys write also takes.
      const encrypted = await refusesPlaintext(client, userId);
      for (const i of applicationOrder(changes)) {
        const refusal = encrypted ? plaintextRefusal(changes[i]!) : undefined;
        outcomes[i] = refusal ?? (await applyChangeAsync(changes[i]!, answer));
      }
      await flush();
      if (version > first) {
        await client.query('UPDATE version_counters SET value = $2 WHERE user_id = $1', [userId, version]);
        // Delivered to every listening instance when (and only if) this commits.
        await client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, changePayload(userId, version)]);
      }
      return outcomes;
    });
  }

  /** Reads the heads of these records into `into`; a record not stored is noted as undefined. */
  private async readHeads(
    client: pg.PoolClient,
    userId: string,
    keys: [RecordKind, string][],
    into: Map<string, RecordHead | undefined>,
  ): Promise<void> {
    if (keys.length === 0) return;
    for (const [kind, id] of keys) into.set(headKey(kind, id), undefined);
    const { rows } = await client.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM records
       WHERE user_id = $1 AND (kind, id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [userId, keys.map((k) => k[0]), keys.map((k) => k[1])],
    );
    for (const row of rows) into.set(headKey(row.kind, row.id), toHead(row));
  }

  async pull(userId: string, since: number, limit: number, maxDataBytes: number): Promise<PullPage> {
    const { rows } = await this.pool.query<RecordRow>(PULL_QUERY, [userId, since, limit + 1, maxDataBytes]);
    return pageWithin(rows, limit, maxDataBytes, toStored);
  }

  async messagesOf(
    userId: string,
    conversationId: string,
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage> {
    const { rows } = await this.pool.query<RecordRow>(MESSAGES_QUERY, [
      userId,
      conversationId,
      after,
      limit + 1,
      maxDataBytes,
    ]);
    return pageWithin(rows, limit, maxDataBytes, toStored);
  }

  async messagesNewestOf(
    userId: string,
    conversationId: string,
    before: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage> {
    const { rows } = await this.pool.query<RecordRow>(MESSAGES_NEWEST_QUERY, [
      userId,
      conversationId,
      before,
      limit + 1,
      maxDataBytes,
    ]);
    return pageWithin(rows, limit, maxDataBytes, toStored);
  }

  async messagesOfMany(
    userId: string,
    conversationIds: readonly string[],
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage> {
    // A query per conversation, each through its index, until the page is
    // full: one query over all of them would read and sort every message of
    // every conversation named to answer the first thousand. One snapshot.
    return inTransaction(
      this.pool,
      async (client) => {
        const rows: RecordRow[] = [];
        let bytes = 0;
        for (const [i, conversationId] of conversationIds.entries()) {
          if (rows.length > limit || bytes > maxDataBytes) break;
          const page = await client.query<RecordRow>(MESSAGES_QUERY, [
            userId,
            conversationId,
            i === 0 ? after : '',
            limit + 1 - rows.length,
            maxDataBytes - bytes,
          ]);
          for (const row of page.rows) {
            rows.push(row);
            bytes += row.data === null ? 0 : Buffer.byteLength(row.data, 'utf8');
          }
        }
        return pageWithin(rows, limit, maxDataBytes, toStored);
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  conversationPage(
    userId: string,
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<ConversationPage> {
    // One snapshot for both reads: a push committing meanwhile is in neither,
    // and its versions are above the cursor, so the pull from there gets it.
    return inTransaction(
      this.pool,
      async (client) => {
        const max = await client.query<{ v: number | null }>(
          'SELECT max(version) AS v FROM records WHERE user_id = $1',
          [userId],
        );
        const { rows } = await client.query<RecordRow>(CONVERSATIONS_QUERY, [
          userId,
          after,
          limit + 1,
          maxDataBytes,
        ]);
        const projects =
          after === ''
            ? (
                await client.query<RecordRow>(
                  `SELECT ${HEAD_COLUMNS}, data FROM records WHERE user_id = $1 AND kind = 'project' ORDER BY id`,
                  [userId],
                )
              ).rows.map(toStored)
            : [];
        const page = pageWithin(rows, limit, maxDataBytes, toStored);
        return { ...withProjects(page, after, () => projects), version: max.rows[0]?.v ?? 0 };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async readRecord(userId: string, kind: RecordKind, id: string): Promise<StoredChange | undefined> {
    const { rows } = await this.pool.query<RecordRow>(
      `SELECT ${HEAD_COLUMNS}, data FROM records WHERE user_id = $1 AND kind = $2 AND id = $3`,
      [userId, kind, id],
    );
    return rows[0] && toStored(rows[0]);
  }

  async maxVersion(userId: string): Promise<number> {
    const { rows } = await this.pool.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM records WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.v ?? 0;
  }

  onChange(listener: (notice: ChangeNotice) => void): () => void {
    return this.changes.on(listener);
  }

  close(): Promise<void> {
    this.closing ??= this.changes.close().then(() => this.pool.end());
    return this.closing;
  }
}
