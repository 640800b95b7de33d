// The PostgreSQL side of end-to-end encryption (tables of migration 2):
// account keys with a revision for compare-and-set, and encrypted shares.
// A keys write locks the user's version_counters row, as a push does, so a
// push committed after the write sees the new setting on every instance.
import type pg from 'pg';
import { type KeysRow, type ShareRow, toKeys, toShare } from './account-rows.js';
import { inTransaction } from './pg-transaction.js';
import type { AccountKeysOutcome, AccountKeysRecord, AccountKeysWrite, ShareRecord } from './types.js';

/** Whether the user's pushes must be encrypted; called inside the push transaction. */
export async function refusesPlaintext(client: pg.PoolClient, userId: string): Promise<boolean> {
  const { rows } = await client.query<{ encrypted: boolean }>(
    'SELECT encrypted FROM account_keys WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.encrypted === true;
}

export class PgAccountTables {
  constructor(private readonly pool: pg.Pool) {}

  async readKeys(userId: string): Promise<AccountKeysRecord> {
    const { rows } = await this.pool.query<KeysRow>('SELECT * FROM account_keys WHERE user_id = $1', [
      userId,
    ]);
    return toKeys(rows[0]);
  }

  writeKeys(
    userId: string,
    previous: number,
    next: AccountKeysWrite,
    at: number,
  ): Promise<AccountKeysOutcome> {
    return inTransaction(this.pool, async (client) => {
      // The push lock: pushes of this user wait for this write, and it for them.
      await client.query('SELECT value FROM version_counters WHERE user_id = $1 FOR UPDATE', [userId]);
      const { rows } = await client.query<KeysRow>('SELECT * FROM account_keys WHERE user_id = $1', [userId]);
      const current = toKeys(rows[0]);
      if (current.revision !== previous) return { ok: false, current };
      const revision = current.revision + 1;
      await client.query(
        `INSERT INTO account_keys (user_id, material, encrypted, revision, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO UPDATE SET material = excluded.material, encrypted = excluded.encrypted,
           revision = excluded.revision, updated_at = excluded.updated_at`,
        [userId, next.material, next.encrypted, revision, at],
      );
      return { ok: true, record: { ...next, revision, updatedAt: at } };
    });
  }

  async createShare(share: ShareRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO shares (id, user_id, data, size, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [share.id, share.userId, share.data, share.size, share.createdAt, share.revokedAt],
    );
  }

  async readShare(id: string): Promise<ShareRecord | undefined> {
    const { rows } = await this.pool.query<ShareRow>('SELECT * FROM shares WHERE id = $1', [id]);
    return rows[0] && toShare(rows[0]);
  }

  async listShares(userId: string): Promise<Omit<ShareRecord, 'data'>[]> {
    const { rows } = await this.pool.query<Omit<ShareRow, 'data'>>(
      `SELECT id, user_id, size, created_at, revoked_at FROM shares WHERE user_id = $1
       ORDER BY created_at DESC, id`,
      [userId],
    );
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      size: row.size,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
    }));
  }

  async revokeShare(userId: string, id: string, at: number): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE shares SET data = NULL, revoked_at = coalesce(revoked_at, $1) WHERE user_id = $2 AND id = $3',
      [at, userId, id],
    );
    return (result.rowCount ?? 0) > 0;
  }
}
