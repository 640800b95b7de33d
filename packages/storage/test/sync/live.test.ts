// Live sync against the real server (protocol 1.1): the syncing tab holds one
// event stream, pulls when told and after every reconnect, falls back to
// polling against a server without events, and does not pull in a storm.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyncClient } from '../../src/sync/http.js';
import { type Device, newDeviceStore, openDevice, settle, sleep, until } from './harness/devices.js';
import { ManualTimers } from './harness/manual-timers.js';
import { type FaultProxy, startProxy } from './harness/proxy.js';
import { startServer, type TestServer } from './harness/server.js';
import { MemoryLockManager } from './memory-locks.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
  await server.ensureRunning();
});

const LIVE = { backoff: { baseMs: 50, maxMs: 400 } };

async function device(name: string, opts: Partial<Parameters<typeof openDevice>[1]> & { token: string }) {
  const d = await openDevice(name, { serverUrl: server.url, ...opts });
  open.push(d);
  return d;
}

/** A live device and a manual one (syncs only when told) on one new account. */
async function pair(live: Parameters<typeof openDevice>[1]['live'] = LIVE) {
  const { token, userId } = await server.signup();
  // Pushes at once (the engine's default), unlike the harness's manual devices.
  const a = await device('a', { token, userId, live, debounceMs: 0 });
  const b = await device('b', { token, userId });
  return { token, userId, a, b };
}

const count = (d: Device, path: string) => d.requests.filter((p) => p === path).length;
const pulls = (d: Device) => count(d, '/v1/sync/pull');
const streams = (d: Device) => count(d, '/v1/sync/events');

async function streamOpen(d: Device) {
  // The pull after the stream opened is the sign that it is open.
  await until(
    () =>
      streams(d) >= 1 && d.requests.lastIndexOf('/v1/sync/events') < d.requests.lastIndexOf('/v1/sync/pull'),
    `${d.name}'s stream is open`,
  );
}

describe('live events', () => {
  it('a change pushed by another device is pulled within a second, with no sync asked for', async () => {
    const { a, b } = await pair();
    await streamOpen(a);
    const before = pulls(a);
    const c = await b.adapter.createConversation({ projectId: 'p1', title: 'from b' });
    await b.sync();
    const sent = Date.now();
    await until(async () => (await a.adapter.getConversation(c.id))?.title === 'from b', 'a has it', 1000);
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(pulls(a) - before).toBe(1);
    expect(streams(a)).toBe(1);
  });

  it('a stream dropped by a server restart reconnects and pulls, and events flow again', async () => {
    const { a, b } = await pair();
    await streamOpen(a);
    // The status tells the stream is open, and that it is not while it is down.
    expect(a.engine.getStatus().live).toBe(true);
    await server.restart();
    await until(() => a.engine.getStatus().live === false, 'a’s status says the stream is down', 5000);
    await until(() => streams(a) >= 2, 'a opens a new stream', 5000);
    const reopened = a.requests.lastIndexOf('/v1/sync/events');
    await until(() => a.requests.lastIndexOf('/v1/sync/pull') > reopened, 'a pulls after reconnecting', 5000);
    const c = await b.adapter.createConversation({ projectId: 'p1', title: 'after the restart' });
    await b.sync();
    await until(
      async () => (await a.adapter.getConversation(c.id))?.title === 'after the restart',
      'the change arrives over the new stream',
      2000,
    );
    expect((await settle(a.engine)).state).toBe('synced');
    expect(a.engine.getStatus().live).toBe(true);
  });

  it('a change made while the stream is down arrives with the pull after the reconnect', async () => {
    const { a, b } = await pair();
    await streamOpen(a);
    a.network.setOnline(false);
    // The stream itself stays up on a real socket: cut it at the server by restarting it, then let b write.
    await server.restart();
    const c = await b.adapter.createConversation({ projectId: 'p1', title: 'while a was away' });
    await b.sync();
    await sleep(300);
    expect(await a.adapter.getConversation(c.id)).toBeUndefined();
    a.network.setOnline(true);
    await until(
      async () => (await a.adapter.getConversation(c.id))?.title === 'while a was away',
      'a pulls it once back',
      3000,
    );
  });

  it('no pull storm: one pull per burst of events at most, none while nothing changes, none for its own pushes twice', async () => {
    const { a, b } = await pair();
    await streamOpen(a);
    const before = pulls(a);
    const c = await b.adapter.createConversation({ projectId: 'p1', title: 'burst' });
    for (let i = 0; i < 30; i++) {
      await b.adapter.saveMessage({
        id: `m${i}`,
        conversationId: c.id,
        projectId: 'p1',
        role: 'user',
        content: `${i}`,
      });
      await b.sync();
    }
    await until(async () => (await a.adapter.loadConversation(c.id)).length === 30, 'a has all 30', 5000);
    await sleep(500);
    // 31 pushes by b: never more pulls than events.
    expect(pulls(a) - before).toBeLessThanOrEqual(31);
    expect(pulls(a) - before).toBeGreaterThanOrEqual(1);

    const quiet = a.requests.length;
    await sleep(1500);
    expect(a.requests.length).toBe(quiet);

    // a's own pushes: each cycle pulls once after pushing; the event about its own change adds none.
    const ownBefore = { pushes: a.pushes(), pulls: pulls(a) };
    for (let i = 0; i < 10; i++) {
      await a.adapter.updateConversation(c.id, { title: `renamed ${i}` });
      await until(async () => (await a.adapter.pendingCount()) === 0, 'the rename is pushed', 2000);
    }
    await sleep(500);
    const ownPushes = a.pushes() - ownBefore.pushes;
    expect(ownPushes).toBeGreaterThanOrEqual(1);
    expect(pulls(a) - ownBefore.pulls).toBeLessThanOrEqual(ownPushes);
  });

  it('a logout ends the stream and the device reports signed-out without any sync asked for', async () => {
    const { token, a } = await pair();
    await streamOpen(a);
    await createSyncClient({ serverUrl: server.url }).logout(token);
    await until(() => a.engine.getStatus().state === 'signed-out', 'a is signed out', 10_000);
    const after = a.requests.length;
    await sleep(500);
    expect(a.requests.length).toBe(after);
  });

  it('a 429 on the stream (too many open) backs off for the Retry-After, then connects', async () => {
    const { token, userId } = await server.signup();
    const held: AbortController[] = [];
    for (let i = 0; i < 10; i++) {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/v1/sync/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      held.push(controller);
    }
    open.push({
      close: async () => {
        for (const c of held) c.abort();
      },
    });
    const a = await device('a', { token, userId, live: LIVE });
    await until(() => streams(a) === 1, 'a tried once');
    await sleep(1500);
    // The server said Retry-After: 5; the 50 ms backoff base does not override it.
    expect(streams(a)).toBe(1);
    held.pop()?.abort();
    await until(() => streams(a) === 2, 'a tries again after the Retry-After', 8000);
    await streamOpen(a);
    expect((await settle(a.engine)).state).toBe('synced');
  }, 20_000);
});

describe('a server without events (protocol 1)', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startProxy(() => server.url);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  const cases = [
    ['its health names no protocol', { health: true }],
    ['its health says 1.1 but the event stream answers 404', { health: false }],
  ] as const;

  it.each(cases)('%s: the device syncs by polling', async (_name, v1) => {
    proxy.setFault((req) => {
      if (req.path === '/v1/sync/events') return { kind: 'status', status: 404 };
      if (v1.health && req.path === '/v1/health')
        return { kind: 'status', status: 200, body: { ok: true, version: '0.9.0' } };
      return undefined;
    });
    const { token, userId } = await server.signup();
    const a = await device('a', { token, userId, serverUrl: proxy.url, live: LIVE, intervalMs: 200 });
    const b = await device('b', { token, userId });
    const c = await b.adapter.createConversation({ projectId: 'p1', title: 'polled' });
    await b.sync();
    await until(async () => (await a.adapter.getConversation(c.id))?.title === 'polled', 'a polls it', 3000);
    expect(streams(a)).toBe(v1.health ? 0 : 1);
    const before = pulls(a);
    await sleep(700);
    // Still polling at the interval; no new stream attempts before the 5-minute check.
    expect(pulls(a) - before).toBeGreaterThanOrEqual(2);
    expect(streams(a)).toBe(v1.health ? 0 : 1);
    // Polling, not live: the status says so.
    expect(a.engine.getStatus().live).toBe(false);
    proxy.setFault(undefined);
  });
});

describe('through a proxy: upgrades and silent connections', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startProxy(() => server.url);
  });
  afterAll(async () => {
    await proxy?.close();
  });
  afterEach(() => {
    proxy.setFault(undefined);
  });

  it('a protocol 1 server upgraded meanwhile is noticed at the next check, and its events are used', async () => {
    proxy.setFault((req) =>
      req.path === '/v1/health'
        ? { kind: 'status', status: 200, body: { ok: true, version: '0.9.0' } }
        : undefined,
    );
    const { token, userId } = await server.signup();
    const a = await device('a', { token, userId, serverUrl: proxy.url, live: { ...LIVE, pollMs: 400 } });
    await sleep(200);
    expect(streams(a)).toBe(0);
    proxy.setFault(undefined);
    await streamOpen(a);
    const b = await device('b', { token, userId });
    const c = await b.adapter.createConversation({ projectId: 'p1', title: 'after the upgrade' });
    await b.sync();
    // The harness's devices poll once an hour: only the event can bring it this soon.
    await until(
      async () => (await a.adapter.getConversation(c.id)) !== undefined,
      'a gets it by event',
      2000,
    );
  });

  it('a stream that stays silent past the idle timeout is taken for dead and opened again', async () => {
    let hung = 0;
    proxy.setFault((req) => (req.path === '/v1/sync/events' && hung++ === 0 ? { kind: 'hang' } : undefined));
    const { token, userId } = await server.signup();
    const a = await device('a', {
      token,
      userId,
      serverUrl: proxy.url,
      live: { ...LIVE, idleTimeoutMs: 300 },
    });
    await until(() => streams(a) === 1, 'the first stream is asked for');
    await sleep(150);
    expect(streams(a)).toBe(1);
    await until(() => streams(a) === 2, 'a second stream after the idle timeout', 2000);
    await streamOpen(a);
    const b = await device('b', { token, userId });
    const c = await b.adapter.createConversation({ projectId: 'p1', title: 'over the new stream' });
    await b.sync();
    await until(
      async () => (await a.adapter.getConversation(c.id)) !== undefined,
      'a gets it by event',
      2000,
    );
  });
});

describe('tabs', () => {
  it('only the syncing tab holds a stream, hidden or not; the next one opens its own when it takes over', async () => {
    const { token, userId } = await server.signup();
    const store = newDeviceStore('indexeddb');
    const locks = new MemoryLockManager();
    const opts = { serverUrl: server.url, token, userId, store, locks, live: LIVE };
    const first = await openDevice('tab1', opts);
    open.push(first);
    const second = await openDevice('tab2', { ...opts, start: false });
    open.push(second);
    second.engine.start();
    await streamOpen(first);
    first.network.setVisible(false);
    await sleep(300);
    expect(streams(first)).toBe(1);
    expect(streams(second)).toBe(0);

    const other = await device('other', { token, userId });
    const c = await other.adapter.createConversation({ projectId: 'p1', title: 'seen by a hidden tab' });
    await other.sync();
    await until(
      async () => (await second.adapter.getConversation(c.id)) !== undefined,
      'the hidden leader pulled it',
      2000,
    );

    await first.close();
    open.splice(open.indexOf(first), 1);
    await until(() => second.engine.getStatus().leader, 'tab 2 leads', 3000);
    await streamOpen(second);
    expect(streams(second)).toBe(1);
  });
});

describe('the periodic pull with a stream open (injected timers)', () => {
  it('is every 5 minutes, hidden or not, instead of every 30 s; without the stream it is back to 30 s', async () => {
    const timers = new ManualTimers();
    const { token, userId } = await server.signup();
    const d = await device('d', {
      token,
      userId,
      timers,
      locks: new MemoryLockManager(),
      intervalMs: 30_000,
      live: { ...LIVE, idleTimeoutMs: 3_600_000 },
    });
    await streamOpen(d);
    await settle(d.engine);
    d.network.visible = false;
    const start = pulls(d);
    timers.advance(30_000);
    await sleep(50);
    expect(pulls(d)).toBe(start);
    timers.advance(5 * 60_000 - 30_000 - 1);
    await sleep(50);
    expect(pulls(d)).toBe(start);
    timers.advance(1);
    await until(() => pulls(d) === start + 1, 'the 5-minute pull while hidden');
    await settle(d.engine);

    // The stream drops (server restart) and stays down while the server is away: the 30 s poll is back.
    await server.kill();
    await until(() => streams(d) >= 1 && d.engine.getStatus().state !== 'syncing', 'the stream has dropped');
    await sleep(100);
    d.network.visible = true;
    const down = pulls(d);
    timers.advance(30_000);
    await until(() => pulls(d) > down, 'a poll 30 s later', 2000);
  });
});
