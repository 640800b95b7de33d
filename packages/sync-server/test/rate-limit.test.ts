import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBuckets } from '../src/middleware/rate-limit.js';
import { envelope } from './encryption-fixtures.js';
import { pull, request, signup, startTestServer, type TestServer } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('token bucket', () => {
  it('lets a full burst through, then refills at the configured rate', () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 20, burst: 50 }, () => now);
    for (let i = 0; i < 50; i++) expect(buckets.take('u')).toBe(0);
    expect(buckets.take('u')).toBe(1);
    now += 100; // 2 tokens
    expect(buckets.take('u')).toBe(0);
    expect(buckets.take('u')).toBe(0);
    expect(buckets.take('u')).toBeGreaterThan(0);
    expect(buckets.take('other')).toBe(0);
  });
});

describe('sync rate limits over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('with the default limits a burst of 50 and then 20 requests a second all pass', async () => {
    const { token } = await signup(server.url);
    const burst = await Promise.all(Array.from({ length: 50 }, () => pull(server.url, token)));
    expect(burst.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const statuses: number[] = [];
    const start = Date.now();
    for (let i = 0; i < 60; i++) {
      await sleep(Math.max(0, start + i * 50 - Date.now()));
      statuses.push((await pull(server.url, token)).status);
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('with the default limits a flood is answered 429 with Retry-After once the burst is spent', async () => {
    // A frozen clock: the bucket does not refill however slowly the machine runs.
    const frozen = await startTestServer({ now: () => 1_800_000_000_000 });
    try {
      const { token } = await signup(frozen.url);
      const replies = await Promise.all(Array.from({ length: 130 }, () => pull(frozen.url, token)));
      expect(replies.filter((r) => r.status === 200)).toHaveLength(100);
      const limited = replies.filter((r) => r.status === 429);
      expect(limited).toHaveLength(30);
      expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited[0]!.body).toMatchObject({ error: { code: 'rate-limited' } });
    } finally {
      await frozen.stop();
    }
  });

  it('a limited user passes again after Retry-After; other users are not limited', async () => {
    let now = 1_800_000_000_000;
    const small = await startTestServer({ syncRateLimit: { ratePerSecond: 2, burst: 3 }, now: () => now });
    try {
      const a = await signup(small.url);
      const b = await signup(small.url);
      for (let i = 0; i < 3; i++) expect((await pull(small.url, a.token)).status).toBe(200);
      const limited = await pull(small.url, a.token);
      expect(limited.status).toBe(429);
      const wait = Number(limited.headers.get('retry-after'));
      expect(wait).toBe(1);
      expect((await pull(small.url, b.token)).status).toBe(200);
      now += wait * 1000;
      expect((await pull(small.url, a.token)).status).toBe(200);
    } finally {
      await small.stop();
    }
  });

  it('share links read without an account are limited per client address', async () => {
    let now = 1_800_000_000_000;
    const small = await startTestServer({ syncRateLimit: { ratePerSecond: 2, burst: 3 }, now: () => now });
    try {
      const { token } = await signup(small.url);
      const created = await request<{ id: string }>(small.url, 'POST', '/v1/shares', {
        token,
        json: envelope(),
      });
      const read = () => request(small.url, 'GET', `/v1/shares/${created.body.id}`);
      for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
      const limited = await read();
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({
        error: { code: 'rate-limited', message: expect.stringMatching(/share reads/) },
      });
      now += Number(limited.headers.get('retry-after')) * 1000;
      expect((await read()).status).toBe(200);
    } finally {
      await small.stop();
    }
  });
});
