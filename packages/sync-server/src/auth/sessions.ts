// Sessions: issuing tokens, resolving them (with expiry after a time unused)
// and letting a user list and end their sessions. Store-independent: every
// store only keeps the rows.
import { randomBytes } from 'node:crypto';
import type { AuthResponse, SessionInfo } from '../protocol.js';
import type { SessionRecord, SyncStore } from '../store/types.js';
import { hashToken, newToken } from './token.js';

export interface SessionOptions {
  /** A token stops working after this many days unused (CHATKEEP_SESSION_DAYS). */
  idleDays: number;
}

const DAY = 24 * 60 * 60 * 1000;
/** Oldest sessions of a user beyond this many end, so logins cannot pile up rows. */
export const MAX_SESSIONS_PER_USER = 100;
/** lastUsedAt is written at most once a minute per session: not one write per sync request. */
const TOUCH_EVERY_MS = 60_000;
const USER_AGENT_CHARS = 200;

export class Sessions {
  private readonly idleMs: number;

  constructor(
    private readonly store: SyncStore,
    opts: SessionOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.idleMs = opts.idleDays * DAY;
  }

  async issue(userId: string, userAgent: string | undefined): Promise<AuthResponse> {
    const token = newToken();
    const now = this.now();
    await this.store.pruneSessions(now - this.idleMs);
    await this.store.createSession(
      {
        // Random and unrelated to the token: showing it lets no one use the session.
        id: randomBytes(16).toString('hex'),
        tokenHash: hashToken(token),
        userId,
        createdAt: now,
        lastUsedAt: now,
        userAgent: userAgent ? userAgent.slice(0, USER_AGENT_CHARS) : null,
      },
      MAX_SESSIONS_PER_USER,
    );
    return { token, userId };
  }

  /** The live session of a token (and a note that it was used), or undefined when unknown or expired. */
  async resolve(token: string): Promise<SessionRecord | undefined> {
    const now = this.now();
    const session = await this.store.findSession(hashToken(token), now - this.idleMs);
    if (session && now - session.lastUsedAt >= TOUCH_EVERY_MS) {
      await this.store.touchSession(session.id, now);
      session.lastUsedAt = now;
    }
    return session;
  }

  async list(userId: string, currentId: string): Promise<SessionInfo[]> {
    const sessions = await this.store.listSessions(userId, this.now() - this.idleMs);
    return sessions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      current: s.id === currentId,
      userAgent: s.userAgent,
    }));
  }

  /** Which of these sessions are still live: not ended and not expired. */
  liveIds(ids: string[]): Promise<Set<string>> {
    return this.store.liveSessionIds(ids, this.now() - this.idleMs);
  }

  /** False when the user has no such session. */
  end(userId: string, id: string): Promise<boolean> {
    return this.store.deleteSession(userId, id);
  }
}
