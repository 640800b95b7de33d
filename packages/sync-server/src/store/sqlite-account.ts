// The SQLite side of end-to-end encryption (tables of migration 4): account
// keys with a revision for compare-and-set, and encrypted shares. Kept apart
// from the record store: SqliteSyncStore delegates to it. better-sqlite3 runs
// each call to completion, so a read-compare-write here is atomic.
import type Database from 'better-sqlite3';
import { type KeysRow, type ShareRow, toKeys, toShare } from './account-rows.js';
import type { AccountKeysOutcome, AccountKeysRecord, AccountKeysWrite, ShareRecord } from './types.js';

export class SqliteAccountTables {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      keys: db.prepare<[string], KeysRow>('SELECT * FROM account_keys WHERE user_id = ?'),
      encrypted: db.prepare<[string], { encrypted: 0 | 1 }>(
        'SELECT encrypted FROM account_keys WHERE user_id = ?',
      ),
      putKeys: db.prepare(
        `INSERT INTO account_keys (user_id, material, encrypted, revision, updated_at)
         VALUES (@userId, @material, @encrypted, @revision, @at)
         ON CONFLICT (user_id) DO UPDATE SET material = excluded.material, encrypted = excluded.encrypted,
           revision = excluded.revision, updated_at = excluded.updated_at`,
      ),
      insertShare: db.prepare(
        `INSERT INTO shares (id, user_id, data, size, created_at, revoked_at)
         VALUES (@id, @userId, @data, @size, @createdAt, @revokedAt)`,
      ),
      share: db.prepare<[string], ShareRow>('SELECT * FROM shares WHERE id = ?'),
      sharesOf: db.prepare<[string], Omit<ShareRow, 'data'>>(
        `SELECT id, user_id, size, created_at, revoked_at FROM shares WHERE user_id = ?
         ORDER BY created_at DESC, id`,
      ),
      revokeShare: db.prepare<[number, string, string]>(
        'UPDATE shares SET data = NULL, revoked_at = coalesce(revoked_at, ?) WHERE user_id = ? AND id = ?',
      ),
    };
  }

  readKeys(userId: string): AccountKeysRecord {
    return toKeys(this.stmt.keys.get(userId));
  }

  /** Whether the user's pushes must be encrypted; called inside the push transaction. */
  refusesPlaintext(userId: string): boolean {
    return this.stmt.encrypted.get(userId)?.encrypted === 1;
  }

  writeKeys(userId: string, previous: number, next: AccountKeysWrite, at: number): AccountKeysOutcome {
    return this.db
      .transaction((): AccountKeysOutcome => {
        const current = this.readKeys(userId);
        if (current.revision !== previous) return { ok: false, current };
        const revision = current.revision + 1;
        this.stmt.putKeys.run({
          userId,
          material: next.material,
          encrypted: next.encrypted ? 1 : 0,
          revision,
          at,
        });
        return { ok: true, record: { ...next, revision, updatedAt: at } };
      })
      .immediate();
  }

  createShare(share: ShareRecord): void {
    this.stmt.insertShare.run(share);
  }

  readShare(id: string): ShareRecord | undefined {
    const row = this.stmt.share.get(id);
    return row && toShare(row);
  }

  listShares(userId: string): Omit<ShareRecord, 'data'>[] {
    return this.stmt.sharesOf.all(userId).map((row) => ({
      id: row.id,
      userId: row.user_id,
      size: row.size,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
    }));
  }

  revokeShare(userId: string, id: string, at: number): boolean {
    return this.stmt.revokeShare.run(at, userId, id).changes > 0;
  }
}
