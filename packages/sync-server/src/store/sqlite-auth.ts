// The SQLite side of sessions and rate-limit attempts (tables of migration 2).
// Kept apart from the record store: SqliteSyncStore delegates to it.
import type Database from 'better-sqlite3';
import { type SessionRow, toSession } from './session-row.js';
import type { AttemptOutcome, AttemptWindow, SessionRecord } from './types.js';

function prepareStatements(db: Database.Database) {
  return {
    insertSession: db.prepare(
      `INSERT INTO sessions (id, token_hash, user_id, created_at, last_used_at, user_agent)
         VALUES (@id, @tokenHash, @userId, @createdAt, @lastUsedAt, @userAgent)`,
    ),
    // Beyond the newest `max` sessions of the user (by last use), the rest end.
    trimSessions: db.prepare<[string, string, number]>(
      `DELETE FROM sessions WHERE user_id = ? AND id NOT IN (
           SELECT id FROM sessions WHERE user_id = ? ORDER BY last_used_at DESC, created_at DESC LIMIT ?)`,
    ),
    sessionByToken: db.prepare<[string, number], SessionRow>(
      'SELECT * FROM sessions WHERE token_hash = ? AND last_used_at >= ?',
    ),
    touchSession: db.prepare<[number, string]>('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
    sessionsOf: db.prepare<[string, number], SessionRow>(
      'SELECT * FROM sessions WHERE user_id = ? AND last_used_at >= ? ORDER BY last_used_at DESC, created_at DESC',
    ),
    deleteSession: db.prepare<[string, string]>('DELETE FROM sessions WHERE user_id = ? AND id = ?'),
    pruneSessions: db.prepare<[number]>('DELETE FROM sessions WHERE last_used_at < ?'),
    liveSession: db.prepare<[string, number], { id: string }>(
      'SELECT id FROM sessions WHERE id = ? AND last_used_at >= ?',
    ),
    countAttempts: db.prepare<[string, string, number], { n: number; oldest: number | null }>(
      'SELECT count(*) AS n, min(at) AS oldest FROM auth_attempts WHERE scope = ? AND key = ? AND at > ?',
    ),
    insertAttempt: db.prepare<[string, string, number, number]>(
      'INSERT INTO auth_attempts (scope, key, at, expires_at) VALUES (?, ?, ?, ?)',
    ),
    pruneAttempts: db.prepare<[number]>('DELETE FROM auth_attempts WHERE expires_at <= ?'),
    deleteAttempt: db.prepare<[number]>('DELETE FROM auth_attempts WHERE id = ?'),
  };
}

export class SqliteAuthTables {
  private readonly stmt: ReturnType<typeof prepareStatements>;
  readonly takeAttempt: (windows: AttemptWindow[], now: number) => AttemptOutcome;
  readonly createSession: (session: SessionRecord, maxPerUser: number) => void;

  constructor(db: Database.Database) {
    const stmt = prepareStatements(db);
    this.stmt = stmt;

    // Counting and recording in one immediate transaction: concurrent
    // attempts (also from other processes) cannot all see the same room.
    this.takeAttempt = db.transaction((windows: AttemptWindow[], now: number): AttemptOutcome => {
      stmt.pruneAttempts.run(now);
      for (const window of windows) {
        const { n, oldest } = stmt.countAttempts.get(window.scope, window.key, now - window.windowMs)!;
        if (n >= window.max) {
          return { allowed: false, window, retryAfterMs: (oldest ?? now) + window.windowMs - now };
        }
      }
      const ids = windows.map((w) =>
        Number(stmt.insertAttempt.run(w.scope, w.key, now, now + w.windowMs).lastInsertRowid),
      );
      return { allowed: true, ids };
    }).immediate;

    this.createSession = db.transaction((session: SessionRecord, maxPerUser: number) => {
      stmt.insertSession.run(session);
      stmt.trimSessions.run(session.userId, session.userId, maxPerUser);
    });
  }

  findSession(tokenHash: string, usedSince: number): SessionRecord | undefined {
    const row = this.stmt.sessionByToken.get(tokenHash, usedSince);
    return row && toSession(row);
  }

  touchSession(id: string, at: number): void {
    this.stmt.touchSession.run(at, id);
  }

  listSessions(userId: string, usedSince: number): SessionRecord[] {
    return this.stmt.sessionsOf.all(userId, usedSince).map(toSession);
  }

  deleteSession(userId: string, id: string): boolean {
    return this.stmt.deleteSession.run(userId, id).changes > 0;
  }

  pruneSessions(before: number): void {
    this.stmt.pruneSessions.run(before);
  }

  liveSessionIds(ids: string[], usedSince: number): Set<string> {
    const live = new Set<string>();
    for (const id of ids) if (this.stmt.liveSession.get(id, usedSince)) live.add(id);
    return live;
  }

  releaseAttempt(ids: number[]): void {
    for (const id of ids) this.stmt.deleteAttempt.run(id);
  }
}
