// The PostgreSQL side of sessions and rate-limit attempts. Kept apart from
// the record store: PgSyncStore delegates to it. Every instance sharing the
// database sees the same sessions and the same attempt counts.
import type pg from 'pg';
import { inTransaction } from './pg-transaction.js';
import { type SessionRow, toSession } from './session-row.js';
import type { AttemptOutcome, AttemptWindow, SessionRecord } from './types.js';

export class PgAuthTables {
  constructor(private readonly pool: pg.Pool) {}

  createSession(session: SessionRecord, maxPerUser: number): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO sessions (id, token_hash, user_id, created_at, last_used_at, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          session.id,
          session.tokenHash,
          session.userId,
          session.createdAt,
          session.lastUsedAt,
          session.userAgent,
        ],
      );
      // Beyond the newest `max` sessions of the user (by last use), the rest end.
      await client.query(
        `DELETE FROM sessions WHERE user_id = $1 AND id NOT IN (
           SELECT id FROM sessions WHERE user_id = $1 ORDER BY last_used_at DESC, created_at DESC LIMIT $2)`,
        [session.userId, maxPerUser],
      );
    });
  }

  async findSession(tokenHash: string, usedSince: number): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query<SessionRow>(
      'SELECT * FROM sessions WHERE token_hash = $1 AND last_used_at >= $2',
      [tokenHash, usedSince],
    );
    return rows[0] && toSession(rows[0]);
  }

  async touchSession(id: string, at: number): Promise<void> {
    await this.pool.query('UPDATE sessions SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  async listSessions(userId: string, usedSince: number): Promise<SessionRecord[]> {
    const { rows } = await this.pool.query<SessionRow>(
      `SELECT * FROM sessions WHERE user_id = $1 AND last_used_at >= $2
       ORDER BY last_used_at DESC, created_at DESC`,
      [userId, usedSince],
    );
    return rows.map(toSession);
  }

  async deleteSession(userId: string, id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM sessions WHERE user_id = $1 AND id = $2', [userId, id]);
    return (result.rowCount ?? 0) > 0;
  }

  async pruneSessions(before: number): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE last_used_at < $1', [before]);
  }

  async liveSessionIds(ids: string[], usedSince: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id FROM sessions WHERE id = ANY($1::text[]) AND last_used_at >= $2',
      [ids, usedSince],
    );
    return new Set(rows.map((r) => r.id));
  }

  takeAttempt(windows: AttemptWindow[], now: number): Promise<AttemptOutcome> {
    return inTransaction(this.pool, async (client) => {
      // One advisory lock per counted key, taken in a fixed order (no
      // deadlock): concurrent attempts on any instance cannot all see room.
      const keys = [...new Set(windows.map((w) => `${w.scope}\n${w.key}`))].sort();
      for (const key of keys) {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      }
      await client.query('DELETE FROM auth_attempts WHERE expires_at <= $1', [now]);
      for (const window of windows) {
        const { rows } = await client.query<{ n: number; oldest: number | null }>(
          'SELECT count(*)::int AS n, min(at) AS oldest FROM auth_attempts WHERE scope = $1 AND key = $2 AND at > $3',
          [window.scope, window.key, now - window.windowMs],
        );
        const { n, oldest } = rows[0]!;
        if (n >= window.max) {
          return { allowed: false, window, retryAfterMs: (oldest ?? now) + window.windowMs - now };
        }
      }
      const ids: number[] = [];
      for (const w of windows) {
        const { rows } = await client.query<{ id: number }>(
          'INSERT INTO auth_attempts (scope, key, at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id',
          [w.scope, w.key, now, now + w.windowMs],
        );
        ids.push(rows[0]!.id);
      }
      return { allowed: true, ids };
    });
  }

  async releaseAttempt(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query('DELETE FROM auth_attempts WHERE id = ANY($1::bigint[])', [ids]);
  }
}
