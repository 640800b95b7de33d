// The contract of the SyncStore's sessions and rate-limit attempts, written
// once for every store: SQLite runs it today, a PostgreSQL store must pass it
// too (the limits and sessions are shared by all instances through it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptWindow, SessionRecord, SyncStore } from '../../src/store/types.js';

export interface StoreFixture {
  store: SyncStore;
  dispose(): Promise<void>;
}

const window = (key: string, max: number, windowMs = 1000): AttemptWindow => ({
  scope: 'login-username',
  key,
  max,
  windowMs,
});

const session = (id: string, userId: string, lastUsedAt: number): SessionRecord => ({
  id,
  tokenHash: `hash-${id}`,
  userId,
  createdAt: lastUsedAt,
  lastUsedAt,
  userAgent: null,
});

export function authStoreContract(name: string, open: () => Promise<StoreFixture>) {
  describe(`${name}: rate-limit attempts`, () => {
    let fixture: StoreFixture;
    let store: SyncStore;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(() => fixture.dispose());

    it('counts attempts in the window and refuses the one past max, saying when there is room', async () => {
      for (let i = 0; i < 3; i++)
        expect(await store.takeAttempt([window('a', 3)], 100 + i * 100)).toMatchObject({ allowed: true });
      const refused = await store.takeAttempt([window('a', 3)], 500);
      expect(refused).toEqual({ allowed: false, window: window('a', 3), retryAfterMs: 600 });
      // The oldest attempt (at 100) leaves the window at 1100.
      expect(await store.takeAttempt([window('a', 3)], 1101)).toMatchObject({ allowed: true });
    });

    it('keys and scopes count apart', async () => {
      expect(await store.takeAttempt([window('a', 1)], 0)).toMatchObject({ allowed: true });
      expect(await store.takeAttempt([window('b', 1)], 0)).toMatchObject({ allowed: true });
      const address: AttemptWindow = { ...window('a', 1), scope: 'login-address' };
      expect(await store.takeAttempt([address], 0)).toMatchObject({ allowed: true });
      expect(await store.takeAttempt([window('a', 1)], 0)).toMatchObject({ allowed: false });
    });

    it('a refusal by one window records nothing under the others', async () => {
      const full = { ...window('shared-address', 1), scope: 'login-address' as const };
      expect(await store.takeAttempt([full], 0)).toMatchObject({ allowed: true });
      const refused = await store.takeAttempt([window('user', 1), full], 10);
      expect(refused).toMatchObject({ allowed: false, window: full });
      expect(await store.takeAttempt([window('user', 1)], 20)).toMatchObject({ allowed: true });
    });

    it('released attempts no longer count', async () => {
      const taken = await store.takeAttempt([window('a', 1)], 0);
      if (!taken.allowed) throw new Error('the first attempt must be allowed');
      await store.releaseAttempt(taken.ids);
      expect(await store.takeAttempt([window('a', 1)], 10)).toMatchObject({ allowed: true });
    });
  });

  describe(`${name}: sessions`, () => {
    let fixture: StoreFixture;
    let store: SyncStore;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      for (const id of ['u1', 'u2'])
        await store.createUser({ id, username: id, passwordHash: 'x', createdAt: 0 });
    });
    afterEach(() => fixture.dispose());

    it('a session is found by its token hash while it was used since the given time', async () => {
      await store.createSession(session('s1', 'u1', 1000), 100);
      expect(await store.findSession('hash-s1', 1000)).toEqual(session('s1', 'u1', 1000));
      expect(await store.findSession('hash-s1', 1001)).toBeUndefined();
      await store.touchSession('s1', 5000);
      expect(await store.findSession('hash-s1', 4000)).toMatchObject({ lastUsedAt: 5000, createdAt: 1000 });
      expect(await store.findSession('hash-unknown', 0)).toBeUndefined();
    });

    it('lists a user’s sessions used since the given time, most recently used first', async () => {
      await store.createSession(session('old', 'u1', 100), 100);
      await store.createSession(session('new', 'u1', 300), 100);
      await store.createSession(session('mid', 'u1', 200), 100);
      await store.createSession(session('other', 'u2', 400), 100);
      expect((await store.listSessions('u1', 0)).map((s) => s.id)).toEqual(['new', 'mid', 'old']);
      expect((await store.listSessions('u1', 150)).map((s) => s.id)).toEqual(['new', 'mid']);
    });

    it('a session is ended only by its own user', async () => {
      await store.createSession(session('s1', 'u1', 100), 100);
      expect(await store.deleteSession('u2', 's1')).toBe(false);
      expect(await store.findSession('hash-s1', 0)).toBeDefined();
      expect(await store.deleteSession('u1', 's1')).toBe(true);
      expect(await store.findSession('hash-s1', 0)).toBeUndefined();
      expect(await store.deleteSession('u1', 's1')).toBe(false);
    });

    it('pruning removes the sessions unused since the given time', async () => {
      await store.createSession(session('old', 'u1', 100), 100);
      await store.createSession(session('new', 'u2', 300), 100);
      await store.pruneSessions(200);
      expect(await store.findSession('hash-old', 0)).toBeUndefined();
      expect(await store.findSession('hash-new', 0)).toBeDefined();
    });

    it('past the per-user maximum the least recently used sessions end', async () => {
      for (let i = 0; i < 5; i++) await store.createSession(session(`s${i}`, 'u1', 100 + i), 3);
      expect((await store.listSessions('u1', 0)).map((s) => s.id)).toEqual(['s4', 's3', 's2']);
      await store.touchSession('s2', 1000);
      await store.createSession(session('s5', 'u1', 500), 3);
      expect((await store.listSessions('u1', 0)).map((s) => s.id)).toEqual(['s2', 's5', 's4']);
    });

    it('removing a user ends their sessions', async () => {
      await store.createSession(session('s1', 'u1', 100), 100);
      expect(await store.removeUser('u1')).toBe(true);
      expect(await store.findSession('hash-s1', 0)).toBeUndefined();
    });
  });
}
