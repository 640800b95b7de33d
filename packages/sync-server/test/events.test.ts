// GET /v1/sync/events over HTTP. On PostgreSQL the stream is on another
// server instance than the push (one database, two app+store instances).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_NAME } from '../src/store/pg-changes.js';
import { decodeCursor } from '../src/sync/cursor.js';
import { openEvents } from './event-stream-client.js';
import { conversationChange, pull, push, request, signup, stamp, type TestServer } from './helpers.js';
import { STORES, type StoreServers, storeServers } from './store-servers.js';

const t0 = Date.now() - 60_000;

describe.each(STORES)('live events on %s', (storeName) => {
  let servers: StoreServers;
  let writer: TestServer;
  let reader: TestServer;
  beforeAll(async () => {
    servers = await storeServers(storeName);
    writer = await servers.start({ streams: { pingMs: 300 } });
    reader = storeName === 'postgres' ? await servers.start({ streams: { pingMs: 300 } }) : writer;
  });
  afterAll(() => servers?.stopAll());

  it('a commit reaches an open stream as `event: change` with the cursor, after it is pullable', async () => {
    const { token } = await signup(writer.url);
    const stream = await openEvents(reader.url, token);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(stream.headers.get('cache-control')).toBe('no-cache');
      expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
      expect(stream.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
      const pushed = await push(writer.url, token, [conversationChange('c1', stamp(t0))]);
      const answered = performance.now();
      const event = await stream.next(0);
      console.log(`${storeName}: event ${(event.at - answered).toFixed(1)} ms after the push answer`);
      expect(event.event).toBe('change');
      expect(JSON.parse(event.data)).toEqual({ cursor: pushed.body.cursor });
      const version = decodeCursor(JSON.parse(event.data).cursor);
      const pulled = await pull(reader.url, token);
      expect(pulled.body.changes.map((c) => [c.id, c.version])).toEqual([['c1', version]]);
    } finally {
      stream.close();
    }
  });

  it('only the user’s own commits, and only those that raise the version, are told', async () => {
    const me = await signup(writer.url);
    const other = await signup(writer.url);
    const stream = await openEvents(reader.url, me.token);
    try {
      await push(writer.url, other.token, [conversationChange('c1', stamp(t0))]);
      const first = await push(writer.url, me.token, [conversationChange('c1', stamp(t0))]);
      await push(writer.url, me.token, [conversationChange('c1', stamp(t0))]); // a repeat: no new version
      const second = await push(writer.url, me.token, [conversationChange('c2', stamp(t0))]);
      expect(JSON.parse((await stream.next(0)).data).cursor).toBe(first.body.cursor);
      expect(JSON.parse((await stream.next(1)).data).cursor).toBe(second.body.cursor);
      expect(stream.events).toHaveLength(2);
    } finally {
      stream.close();
    }
  });

  it('idle streams get `: ping` comments', async () => {
    const { token } = await signup(writer.url);
    const stream = await openEvents(reader.url, token);
    try {
      await expect.poll(() => stream.comments.includes('ping'), { timeout: 5_000 }).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('the 11th stream of a user on an instance is 429; closing one makes room', async () => {
    const { token } = await signup(writer.url);
    const open = await Promise.all(Array.from({ length: 10 }, () => openEvents(reader.url, token)));
    try {
      expect(open.map((s) => s.status)).toEqual(Array(10).fill(200));
      const eleventh = await openEvents(reader.url, token);
      expect(eleventh.status).toBe(429);
      expect(eleventh.body).toMatchObject({ error: { code: 'too-many-streams' } });
      expect(eleventh.headers.get('retry-after')).toBe('5');
      // Another user is not affected.
      const stranger = await openEvents(reader.url, (await signup(writer.url)).token);
      expect(stranger.status).toBe(200);
      stranger.close();
      open.pop()!.close();
      await expect
        .poll(async () => {
          const retry = await openEvents(reader.url, token);
          retry.close();
          return retry.status;
        })
        .toBe(200);
    } finally {
      for (const s of open) s.close();
    }
  });

  it('logging out (on any instance) ends the stream within 5 s; the token then opens none', async () => {
    const { token } = await signup(writer.url);
    const stream = await openEvents(reader.url, token);
    expect(stream.status).toBe(200);
    const started = performance.now();
    expect((await request(writer.url, 'POST', '/v1/auth/logout', { token })).status).toBe(204);
    await stream.ended;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await openEvents(reader.url, token)).status).toBe(401);
  });

  it('a stream ends within 5 s of its token expiring, and within 5 s of its user being removed', async () => {
    let clock = Date.now();
    const timed = await servers.start({ now: () => clock, sessionDays: 90 });
    const expiring = await signup(timed.url);
    const stream = await openEvents(timed.url, expiring.token);
    expect(stream.status).toBe(200);
    let over = false;
    void stream.ended.then(() => {
      over = true;
    });
    // Still open one minute before the 90 days unused are up (a session check runs every 2 s).
    clock += 90 * 24 * 3600_000 - 60_000;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(over).toBe(false);
    clock += 120_000;
    const started = performance.now();
    await stream.ended;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await openEvents(timed.url, expiring.token)).status).toBe(401);

    const removed = await signup(writer.url);
    const second = await openEvents(reader.url, removed.token);
    expect(second.status).toBe(200);
    const removedAt = performance.now();
    expect(await writer.store.removeUser(removed.username)).toBe(true);
    await second.ended;
    expect(performance.now() - removedAt).toBeLessThan(5_000);
  });

  it('a stream opened from an allowed origin carries the CORS header, as every API answer does', async () => {
    const cors = await servers.start({ corsOrigins: ['https://app.example'] });
    const { token } = await signup(cors.url);
    const abort = new AbortController();
    const res = await fetch(`${cors.url}/v1/sync/events`, {
      headers: { Authorization: `Bearer ${token}`, Origin: 'https://app.example' },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    abort.abort();
  });

  it('without a token the stream is 401', async () => {
    expect((await request(reader.url, 'GET', '/v1/sync/events')).status).toBe(401);
  });

  it('closing the server ends open streams', async () => {
    const extra = await servers.start();
    const { token } = await signup(extra.url);
    const stream = await openEvents(extra.url, token);
    expect(stream.status).toBe(200);
    const started = performance.now();
    await extra.stop();
    await stream.ended;
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('live events on postgres: the listening connection', () => {
  let servers: StoreServers;
  let writer: TestServer;
  let reader: TestServer;
  beforeAll(async () => {
    servers = await storeServers('postgres');
    writer = await servers.start();
    reader = await servers.start();
  });
  afterAll(() => servers?.stopAll());

  it('when the listening connection drops, the instance reconnects and streams go on', async () => {
    const { token } = await signup(writer.url);
    const stream = await openEvents(reader.url, token);
    try {
      const admin = new pg.Client(servers.databaseUrl!);
      await admin.connect();
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
        [LISTENER_NAME],
      );
      await admin.end();
      expect(killed.rowCount).toBe(2); // one listener per instance
      // Pushes go on while the listeners reconnect; a stream learns of them by a resync or a notice.
      const pushed = await push(writer.url, token, [conversationChange('c1', stamp(t0))]);
      await expect
        .poll(() => stream.events.some((e) => JSON.parse(e.data).cursor === pushed.body.cursor), {
          timeout: 10_000,
        })
        .toBe(true);
      const count = stream.events.length;
      const later = await push(writer.url, token, [conversationChange('c2', stamp(t0))]);
      expect(JSON.parse((await stream.next(count)).data).cursor).toBe(later.body.cursor);
    } finally {
      stream.close();
    }
  });
});
