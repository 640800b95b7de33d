// Sign-up and login input sizes and rate limits, over HTTP on 127.0.0.1.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type AttemptLimitOptions, DEFAULT_ATTEMPT_LIMITS } from '../../src/auth/attempt-limits.js';
import { request, signup, type TestServer, tempDir } from '../helpers.js';
import { serversPerTest } from './servers.js';

const HOUR = 60 * 60 * 1000;
const server = serversPerTest();

const login = (url: string, username: string, password: string, headers: Record<string, string> = {}) =>
  request<{ error?: { code: string; message: string }; token?: string }>(url, 'POST', '/v1/auth/login', {
    json: { username, password },
    headers,
  });

const signUp = (
  url: string,
  username: string,
  password = 'long enough',
  headers: Record<string, string> = {},
) =>
  request<{ error?: { code: string; message: string } }>(url, 'POST', '/v1/auth/signup', {
    json: { username, password },
    headers,
  });

function attemptRows(s: TestServer): number {
  const db = new Database(join(s.dataDir, 'chatkeep.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM auth_attempts').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const limits = (patch: Partial<AttemptLimitOptions>): AttemptLimitOptions => ({
  ...DEFAULT_ATTEMPT_LIMITS,
  ...patch,
});

describe('input sizes are checked before any hashing or bookkeeping', () => {
  it('a username over 64 characters is a 400 at login and sign-up, and records no attempt', async () => {
    const s = await server();
    const long = 'a'.repeat(65);
    for (const res of [await login(s.url, long, 'long enough'), await signUp(s.url, long)]) {
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toMatch(/3 to 64 characters/);
    }
    expect(attemptRows(s)).toBe(0);
  });

  it('a password shorter than 8 or longer than 1024 characters is a 400 at login and sign-up', async () => {
    const s = await server();
    for (const password of ['short', 'p'.repeat(1025)]) {
      for (const res of [await login(s.url, 'someone', password), await signUp(s.url, 'someone', password)]) {
        expect(res.status, `${password.length} characters`).toBe(400);
        expect(res.body.error?.message).toMatch(/at (least 8|most 1024) characters/);
      }
    }
    expect(attemptRows(s)).toBe(0);
  });

  it('a multi-megabyte username is refused as too large before it is parsed', async () => {
    const s = await server();
    const res = await login(s.url, 'u'.repeat(8 * 1024 * 1024), 'long enough');
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'payload-too-large' });
    expect(attemptRows(s)).toBe(0);
  });

  it('failed-login bookkeeping is bounded: made-up usernames leave rows only for the window', async () => {
    let now = 1_800_000_000_000;
    const s = await server({
      now: () => now,
      attemptLimits: limits({ perAddress: { maxFailures: 1000, windowMs: HOUR } }),
    });
    for (let i = 0; i < 20; i++) expect((await login(s.url, `made-up-${i}`, 'long enough')).status).toBe(401);
    expect(attemptRows(s)).toBe(40); // one per username and one per address, each
    now += HOUR + 1;
    expect((await login(s.url, 'made-up-late', 'long enough')).status).toBe(401);
    expect(attemptRows(s)).toBe(2);
  });
});

describe('failed logins are limited per username and per client address', () => {
  it('after the per-address limit, any username from that address answers 429 with Retry-After, even a right password', async () => {
    const s = await server({ attemptLimits: limits({ perAddress: { maxFailures: 5, windowMs: HOUR } }) });
    const { username } = await signup(s.url, 'spray-target', 'right password');
    for (let i = 0; i < 5; i++) expect((await login(s.url, `victim-${i}`, 'Winter2026!')).status).toBe(401);
    const blocked = await login(s.url, username, 'right password');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error?.message).toMatch(/network address/);
    const wait = Number(blocked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(3500);
    expect(wait).toBeLessThanOrEqual(3600);
  });

  it('X-Forwarded-For is ignored unless CHATKEEP_TRUST_PROXY says a proxy writes it', async () => {
    const s = await server({ attemptLimits: limits({ perAddress: { maxFailures: 3, windowMs: HOUR } }) });
    for (let i = 0; i < 3; i++) {
      const res = await login(s.url, `x-${i}`, 'long enough', { 'X-Forwarded-For': `203.0.113.${i}` });
      expect(res.status).toBe(401);
    }
    expect((await login(s.url, 'x-9', 'long enough', { 'X-Forwarded-For': '198.51.100.7' })).status).toBe(
      429,
    );
  });

  it('behind a trusted proxy each client address has its own limit; what the client wrote before the proxy is ignored', async () => {
    const s = await server({
      trustProxy: 1,
      attemptLimits: limits({ perAddress: { maxFailures: 3, windowMs: HOUR } }),
    });
    // The client forges an address; the proxy appends the real one, 203.0.113.5.
    const from5 = (i: number) => ({ 'X-Forwarded-For': `10.9.9.${i}, 203.0.113.5` });
    for (let i = 0; i < 3; i++)
      expect((await login(s.url, `p-${i}`, 'long enough', from5(i))).status).toBe(401);
    expect((await login(s.url, 'p-9', 'long enough', from5(9))).status).toBe(429);
    const other = await login(s.url, 'p-9', 'long enough', { 'X-Forwarded-For': '203.0.113.6' });
    expect(other.status).toBe(401);
    // A proxy that adds the port: still that client's address.
    const withPort = await login(s.url, 'p-10', 'long enough', { 'X-Forwarded-For': '203.0.113.5:52044' });
    expect(withPort.status).toBe(429);
    // One IPv6 host holds a whole /64: its addresses share one limit.
    for (let i = 1; i <= 3; i++) {
      const res = await login(s.url, `v6-${i}`, 'long enough', { 'X-Forwarded-For': `2001:db8:1:2::${i}` });
      expect(res.status).toBe(401);
    }
    const v6 = await login(s.url, 'v6-9', 'long enough', { 'X-Forwarded-For': '[2001:db8:1:2:ffff::9]:443' });
    expect(v6.status).toBe(429);
  });

  it('parallel guesses cannot slip past the per-username limit while their hashes run', async () => {
    const s = await server();
    await signup(s.url, 'parallel', 'right password');
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) => login(s.url, 'parallel', `guess number ${i}`)),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 401)).toHaveLength(10);
    expect(statuses.filter((x) => x === 429)).toHaveLength(6);
  });

  it('a successful login does not count as a failure', async () => {
    const s = await server({ attemptLimits: limits({ perUsername: { maxFailures: 2, windowMs: 60_000 } }) });
    await signup(s.url, 'steady', 'right password');
    for (let i = 0; i < 5; i++) expect((await login(s.url, 'steady', 'right password')).status).toBe(200);
    expect((await login(s.url, 'steady', 'wrong password')).status).toBe(401);
    expect((await login(s.url, 'steady', 'right password')).status).toBe(200);
  });

  it('the limits hold across instances sharing the database', async () => {
    const data = tempDir();
    onTestFinished(() => data.remove()); // after the servers stop
    const first = await server({ dataDir: data.path });
    const second = await server({ dataDir: data.path });
    await signup(first.url, 'shared', 'right password');
    for (let i = 0; i < 10; i++) {
      const via = i % 2 ? first : second;
      expect((await login(via.url, 'shared', `wrong ${i} guess`)).status).toBe(401);
    }
    expect((await login(first.url, 'shared', 'right password')).status).toBe(429);
    expect((await login(second.url, 'shared', 'right password')).status).toBe(429);
  });
});

describe('sign-ups are limited per client address', () => {
  it('by default the 11th sign-up in an hour from one address answers 429 with Retry-After; the window frees it', async () => {
    let now = 1_800_000_000_000;
    const s = await server({ attemptLimits: DEFAULT_ATTEMPT_LIMITS, now: () => now });
    for (let i = 0; i < 10; i++) expect((await signUp(s.url, `home-${i}`)).status).toBe(201);
    const refused = await signUp(s.url, 'home-10');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'rate-limited',
      message: expect.stringMatching(/sign-ups/),
    });
    expect(Number(refused.headers.get('retry-after'))).toBe(3600);
    now += HOUR + 1;
    expect((await signUp(s.url, 'home-10')).status).toBe(201);
  });

  it('a refused sign-up creates no account', async () => {
    const s = await server({ attemptLimits: limits({ signupsPerAddress: { max: 1, windowMs: HOUR } }) });
    expect((await signUp(s.url, 'first-one')).status).toBe(201);
    expect((await signUp(s.url, 'second-one')).status).toBe(429);
    expect((await s.store.listUsers()).map((u) => u.username)).toEqual(['first-one']);
  });
});
