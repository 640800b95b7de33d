import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pull, request, signup, startTestServer, type TestServer } from './helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const post = (path: string, json: unknown, token?: string) =>
  request(server.url, 'POST', path, { json, token });

describe('accounts', () => {
  it('signup answers 201 with a token that works for sync', async () => {
    const res = await post('/v1/auth/signup', { username: 'erin', password: 'long enough' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ token: expect.any(String), userId: expect.any(String) });
    const { token } = res.body as { token: string };
    expect((await pull(server.url, token)).status).toBe(200);
  });

  it('a taken username answers 409, whatever its case', async () => {
    await signup(server.url, 'frank');
    const res = await post('/v1/auth/signup', { username: 'Frank', password: 'long enough' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'username-taken' } });
  });

  it('username and password rules answer 400 with what to fix', async () => {
    const cases: [unknown, RegExp][] = [
      [{ username: 'ab', password: 'long enough' }, /3 to 64 characters/],
      [{ username: 'a'.repeat(65), password: 'long enough' }, /3 to 64 characters/],
      [{ username: 'with space', password: 'long enough' }, /only letters a-z/],
      [{ username: "x'; DROP TABLE users;--", password: 'long enough' }, /only letters a-z/],
      [{ username: 'gina', password: 'short' }, /at least 8 characters/],
      [{ username: 'gina', password: 12345678 }, /password must be a string/],
      [{ username: 'gina' }, /password/],
    ];
    for (const [body, message] of cases) {
      const res = await post('/v1/auth/signup', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it('login answers 200 with a new token; a wrong password or unknown user answers 401', async () => {
    const { userId } = await signup(server.url, 'hank', 'hank password');
    const ok = await post('/v1/auth/login', { username: 'HANK', password: 'hank password' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ userId });
    expect((await post('/v1/auth/login', { username: 'hank', password: 'wrong password' })).status).toBe(401);
    const unknown = await post('/v1/auth/login', { username: 'nobody-here', password: 'whatever1' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ error: { code: 'invalid-credentials' } });
  });

  it('logout answers 204 and the token stops working; other sessions keep working', async () => {
    const { token } = await signup(server.url, 'ivy', 'ivy password');
    const other = (await post('/v1/auth/login', { username: 'ivy', password: 'ivy password' })).body as {
      token: string;
    };
    const res = await request(server.url, 'POST', '/v1/auth/logout', { token });
    expect(res.status).toBe(204);
    expect((await pull(server.url, token)).status).toBe(401);
    expect((await request(server.url, 'POST', '/v1/auth/logout', { token })).status).toBe(401);
    expect((await pull(server.url, other.token)).status).toBe(200);
  });

  it('sync without a token or with a made-up one answers 401 JSON', async () => {
    const none = await request(server.url, 'GET', '/v1/sync/pull');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({
      error: { code: 'unauthorized', message: expect.stringMatching(/Bearer/) },
    });
    const fake = await pull(server.url, 'a'.repeat(43));
    expect(fake.status).toBe(401);
  });

  it('passwords are stored as salted scrypt hashes and tokens only as SHA-256 hashes', async () => {
    const { token } = await signup(server.url, 'jack', 'jack password');
    await signup(server.url, 'kate', 'jack password');
    const db = new Database(join(server.dataDir, 'chatkeep.sqlite'), { readonly: true });
    try {
      const users = db
        .prepare("SELECT username, password_hash FROM users WHERE username IN ('jack', 'kate')")
        .all() as { password_hash: string }[];
      for (const u of users) {
        expect(u.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
        expect(u.password_hash).not.toContain('jack password');
      }
      expect(users[0]!.password_hash).not.toBe(users[1]!.password_hash);
      const sessions = db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
      expect(sessions.some((s) => s.token_hash === token)).toBe(false);
      expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.token_hash))).toBe(true);
    } finally {
      db.close();
    }
  });

  it('after 10 failed logins in a minute the username answers 429 with Retry-After, even with the right password', async () => {
    await signup(server.url, 'liam', 'liam password');
    for (let i = 0; i < 10; i++) {
      expect((await post('/v1/auth/login', { username: 'liam', password: `guess ${i}xx` })).status).toBe(401);
    }
    const blocked = await post('/v1/auth/login', { username: 'liam', password: 'liam password' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(blocked.body).toMatchObject({ error: { code: 'rate-limited' } });
    // Other usernames are not affected.
    await signup(server.url, 'mia', 'mia password');
    expect((await post('/v1/auth/login', { username: 'mia', password: 'mia password' })).status).toBe(200);
  });
});

describe('closed signup', () => {
  it('CHATKEEP_SIGNUP=closed answers 403 to signup while login keeps working', async () => {
    const closed = await startTestServer({ signup: 'closed' });
    try {
      const res = await request(closed.url, 'POST', '/v1/auth/signup', {
        json: { username: 'nina', password: 'long enough' },
      });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        error: { code: 'signup-closed', message: expect.stringMatching(/closed/) },
      });
    } finally {
      await closed.stop();
    }
  });
});
