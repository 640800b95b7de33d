// Session expiry, listing and ending sessions, over HTTP on 127.0.0.1.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SessionsResponse } from '../../src/protocol.js';
import { migrate } from '../../src/store/migrations.js';
import { DB_FILE_NAME, SqliteSyncStore } from '../../src/store/sqlite.js';
import { pull, request, signup, tempDir } from '../helpers.js';
import { serversPerTest } from './servers.js';

const DAY = 24 * 60 * 60 * 1000;
const server = serversPerTest();

const login = (url: string, username: string, password: string, userAgent = 'test-agent/1') =>
  request<{ token: string }>(url, 'POST', '/v1/auth/login', {
    json: { username, password },
    headers: { 'User-Agent': userAgent },
  });

const listSessions = (url: string, token: string) =>
  request<SessionsResponse>(url, 'GET', '/v1/auth/sessions', { token });

describe('tokens expire after CHATKEEP_SESSION_DAYS unused', () => {
  it('a token unused for 90 days stops working; use within the window keeps it alive', async () => {
    let now = 1_800_000_000_000;
    const s = await server({ now: () => now });
    const { token: idle } = await signup(s.url, 'sleeper', 'long enough');
    const { token: busy } = (await login(s.url, 'sleeper', 'long enough')).body;
    now += 60 * DAY;
    expect((await pull(s.url, busy)).status).toBe(200);
    now += 31 * DAY; // 91 days after the first, 31 after the second's last use
    const expired = await pull(s.url, idle);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({
      error: { code: 'unauthorized', message: expect.stringMatching(/expired/) },
    });
    expect((await pull(s.url, busy)).status).toBe(200);
    const listed = await listSessions(s.url, busy);
    expect(listed.body.sessions).toHaveLength(1);
  });

  it('CHATKEEP_SESSION_DAYS sets the window', async () => {
    let now = 1_800_000_000_000;
    const s = await server({ now: () => now, sessionDays: 2 });
    const { token } = await signup(s.url, 'short-lived', 'long enough');
    now += 2 * DAY - 1000;
    expect((await pull(s.url, token)).status).toBe(200);
    now += 2 * DAY + 1000;
    expect((await pull(s.url, token)).status).toBe(401);
  });
});

describe('GET /v1/auth/sessions and DELETE /v1/auth/sessions/:id', () => {
  it('lists the user’s sessions, newest use first, with the current one marked and no token material', async () => {
    let now = 1_800_000_000_000;
    const s = await server({ now: () => now });
    const first = await signup(s.url, 'lister', 'long enough');
    now += 5 * 60_000;
    const second = (await login(s.url, 'lister', 'long enough', 'Phone browser')).body;
    await signup(s.url, 'someone-else', 'long enough');

    const res = await listSessions(s.url, first.token);
    expect(res.status).toBe(200);
    expect(res.body.sessions).toEqual([
      { id: expect.any(String), createdAt: now, lastUsedAt: now, current: false, userAgent: 'Phone browser' },
      // Asking is a use: its lastUsedAt moved to now.
      {
        id: expect.any(String),
        createdAt: now - 5 * 60_000,
        lastUsedAt: now,
        current: true,
        userAgent: expect.any(String),
      },
    ]);
    const text = JSON.stringify(res.body);
    for (const token of [first.token, second.token]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(createHash('sha256').update(token).digest('hex'));
    }
    // An id is no credential.
    expect((await pull(s.url, res.body.sessions[0]!.id)).status).toBe(401);
  });

  it('ending a session stops its token at once; the others keep working', async () => {
    const s = await server();
    const laptop = await signup(s.url, 'ender', 'long enough');
    const phone = (await login(s.url, 'ender', 'long enough')).body;
    const phoneId = (await listSessions(s.url, laptop.token)).body.sessions.find((x) => !x.current)!.id;
    const res = await request(s.url, 'DELETE', `/v1/auth/sessions/${phoneId}`, { token: laptop.token });
    expect(res.status).toBe(204);
    expect((await pull(s.url, phone.token)).status).toBe(401);
    expect((await pull(s.url, laptop.token)).status).toBe(200);
    const again = await request(s.url, 'DELETE', `/v1/auth/sessions/${phoneId}`, { token: laptop.token });
    expect(again.status).toBe(404);
  });

  it('another user’s session id is a 404 and stays alive', async () => {
    const s = await server();
    const alice = await signup(s.url, 'alice-s', 'long enough');
    const bob = await signup(s.url, 'bob-s', 'long enough');
    const bobId = (await listSessions(s.url, bob.token)).body.sessions[0]!.id;
    const res = await request(s.url, 'DELETE', `/v1/auth/sessions/${bobId}`, { token: alice.token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not-found' } });
    expect((await pull(s.url, bob.token)).status).toBe(200);
  });

  it('without a valid token both answer 401', async () => {
    const s = await server();
    expect((await request(s.url, 'GET', '/v1/auth/sessions')).status).toBe(401);
    expect((await request(s.url, 'DELETE', '/v1/auth/sessions/x', { token: 'made-up' })).status).toBe(401);
  });
});

describe('upgrading a database of schema 1', () => {
  it('keeps its sessions working: each gets an id and counts as used at the upgrade', async () => {
    const dir = tempDir();
    try {
      const db = new Database(join(dir.path, DB_FILE_NAME));
      migrate(db, 1);
      db.prepare(
        "INSERT INTO users (id, username, password_hash, created_at) VALUES ('u1', 'old', 'x', 1)",
      ).run();
      db.prepare("INSERT INTO sessions (token_hash, user_id, created_at) VALUES ('old-hash', 'u1', 1)").run();
      db.close();
      const before = Date.now();
      const store = new SqliteSyncStore(dir.path);
      try {
        const session = await store.findSession('old-hash', before - 1000);
        expect(session).toMatchObject({ userId: 'u1', tokenHash: 'old-hash', createdAt: 1 });
        expect(session!.id).toMatch(/^[0-9a-f]{32}$/);
        expect(session!.lastUsedAt).toBeGreaterThanOrEqual(before - 1000);
      } finally {
        await store.close();
      }
    } finally {
      dir.remove();
    }
  });
});
