// The engine against a real server that goes down, rate-limits, fails,
// cuts responses off and forgets tokens (a fault-injecting proxy in front).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyncClient } from '../../src/sync/http.js';
import type { SyncEngineStatus } from '../../src/sync/status.js';
import { type Device, openDevice, sleep, until } from './harness/devices.js';
import { type FaultProxy, startProxy } from './harness/proxy.js';
import { startServer, type TestServer } from './harness/server.js';
import { deviceSnapshot, serverSnapshot } from './harness/snapshot.js';

let server: TestServer;
let proxy: FaultProxy;
beforeAll(async () => {
  server = await startServer();
  proxy = await startProxy(() => server.url);
});
afterAll(async () => {
  await proxy?.close();
  await server?.dispose();
});

const open: Device[] = [];
afterEach(async () => {
  proxy.setFault(undefined);
  proxy.log.length = 0;
  await Promise.all(open.splice(0).map((d) => d.close()));
  await server.ensureRunning();
});

async function device(name: string, opts: Partial<Parameters<typeof openDevice>[1]> & { token: string }) {
  const d = await openDevice(name, { serverUrl: proxy.url, ...opts });
  open.push(d);
  return d;
}

function message(conversationId: string, id: string, content = id) {
  return { id, conversationId, projectId: 'p1', role: 'user' as const, content };
}

const pushes = () => proxy.log.filter((r) => r.path === '/v1/sync/push');
const pulls = () => proxy.log.filter((r) => r.path.startsWith('/v1/sync/pull'));

describe('sync through failures', () => {
  it('goes offline while the server is down and catches up by itself when it is back', async () => {
    const { token } = await server.signup();
    const a = await device('a', { token, backoff: { baseMs: 100, maxMs: 300 } });
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'before the outage' });
    await a.sync();

    await server.kill();
    await a.adapter.saveMessage(message(c.id, 'during'));
    const down = await a.engine.syncNow();
    expect(down).toMatchObject({ state: 'offline', pending: 1 });
    expect((down as Extract<SyncEngineStatus, { state: 'offline' }>).retryAt).toBeGreaterThan(
      Date.now() - 50,
    );

    // Several retries fail while it is down; none of them loses the outbox.
    await sleep(700);
    expect(await a.adapter.pendingCount()).toBe(1);
    await server.restart();
    // No syncNow: the backoff timer brings it back.
    await until(() => a.engine.getStatus().state === 'synced', 'a recovers on its own', 5000);
    expect((await serverSnapshot(server.url, token)).messages.during?.content).toBe('during');
  });

  it("waits as long as a 429's Retry-After says, then succeeds", async () => {
    const { token } = await server.signup();
    const a = await device('a', { token });
    await a.adapter.createConversation({ projectId: 'p1' });
    let injected = 0;
    let refusedAt = 0;
    proxy.setFault((req) => {
      if (req.path !== '/v1/sync/push' || injected > 0) return undefined;
      injected += 1;
      refusedAt = Date.now();
      return {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: { code: 'rate-limited', message: 'Too many sync requests; retry in 1 s.' } },
      };
    });
    const status = await a.engine.syncNow();
    expect(status).toMatchObject({ state: 'error', pending: 1 });
    expect((status as Extract<SyncEngineStatus, { state: 'error' }>).message).toMatch(/too many requests/i);
    const retryAt = (status as Extract<SyncEngineStatus, { state: 'error' }>).retryAt!;
    expect(retryAt - refusedAt).toBeGreaterThanOrEqual(1000);
    await until(() => a.engine.getStatus().state === 'synced', 'a retries after Retry-After', 4000);
    const secondPush = proxy.log.findIndex((r, i) => r.path === '/v1/sync/push' && i > 0 && !r.fault);
    expect(secondPush).toBeGreaterThan(0);
    expect(pushes().filter((p) => p.fault === undefined)).toHaveLength(1);
    expect(await a.adapter.pendingCount()).toBe(0);
  });

  it('backs off exponentially on 5xx and recovers when the server does', async () => {
    const { token } = await server.signup();
    const a = await device('a', { token, backoff: { baseMs: 40, maxMs: 400 } });
    await a.adapter.createConversation({ projectId: 'p1' });
    proxy.setFault((req) => (req.path === '/v1/sync/push' ? { kind: 'status', status: 503 } : undefined));
    expect((await a.engine.syncNow()).state).toBe('error');
    await until(() => pushes().length >= 5, 'five attempts', 5000);
    const at = pushes().map((p) => p.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // Equal jitter on a doubling step: the 4th wait is at least 40 * 2^3 / 2 ms, and no hot loop.
    expect(gaps[3]).toBeGreaterThanOrEqual(150);
    expect(gaps[3]!).toBeGreaterThan(gaps[0]!);
    proxy.setFault(undefined);
    await until(() => a.engine.getStatus().state === 'synced', 'a recovers after the 503s', 5000);
    expect(await a.adapter.pendingCount()).toBe(0);
  });

  it('a 401 signs the device out and it stays quiet until it gets a new token', async () => {
    const username = `u401x${Date.now().toString(36)}`;
    const { token, userId } = await server.signup(username);
    const a = await device('a', { token, userId, debounceMs: 30 });
    await a.adapter.createConversation({ projectId: 'p1', title: 'x' });
    await a.sync();
    await createSyncClient({ serverUrl: server.url }).logout(token);

    await a.adapter.createConversation({ projectId: 'p1', title: 'after logout' });
    await until(() => a.engine.getStatus().state === 'signed-out', 'a notices the logout');
    const requestsWhenSignedOut = a.requests.length;
    await a.adapter.createConversation({ projectId: 'p1', title: 'still signed out' });
    a.network.setOnline(false);
    a.network.setOnline(true);
    await sleep(200);
    expect(a.requests.length).toBe(requestsWhenSignedOut);
    expect((await a.engine.syncNow()).state).toBe('signed-out');

    const again = await a.engine.client.login(username, 'correct horse battery staple');
    await a.engine.setToken(again.token, { userId: again.userId });
    expect(a.engine.getStatus().state).toBe('synced');
    const titles = Object.values((await serverSnapshot(server.url, again.token)).conversations).map(
      (c) => c.title,
    );
    expect(titles.sort()).toEqual(['after logout', 'still signed out', 'x']);
  });

  it('a pull page cut off mid-way leaves the cursor where the last whole page ended', async () => {
    const { token } = await server.signup();
    const a = await device('a', { token });
    const conv = await a.adapter.createConversation({ projectId: 'p1' });
    for (let i = 0; i < 5; i++) await a.adapter.saveMessage(message(conv.id, `m${i}`));
    await a.sync();

    const b = await device('b', { token, pullLimit: 2, start: false });
    const firstPage = await createSyncClient({ serverUrl: server.url }).pull(token, undefined, 2);
    let pullCount = 0;
    proxy.setFault((req) => {
      // A v1 server (no bootstrap endpoints): the fresh device pulls everything, page by page.
      if (req.path.startsWith('/v1/sync/conversations')) return { kind: 'status', status: 404 };
      if (!req.path.startsWith('/v1/sync/pull')) return undefined;
      pullCount += 1;
      return pullCount === 2 ? { kind: 'cut', bytes: 60 } : undefined;
    });
    const status = await b.start();
    expect(['offline', 'error']).toContain(status.state);
    expect(pullCount).toBe(2);
    expect(await b.adapter.getCursor()).toBe(firstPage.cursor);
    const held = await deviceSnapshot(b.adapter);
    const firstIds = firstPage.changes.map((c) => c.id);
    expect([...Object.keys(held.conversations), ...Object.keys(held.messages)].sort()).toEqual(
      firstIds.sort(),
    );

    proxy.setFault(undefined);
    await b.sync();
    expect(await deviceSnapshot(b.adapter)).toEqual(await serverSnapshot(server.url, token));
  });

  it('a crash between push and acknowledgement is harmless: the retry is answered applied, same version', async () => {
    const { token, userId } = await server.signup();
    const a = await device('a', { token, userId });
    const conv = await a.adapter.createConversation({ projectId: 'p1', title: 'sent once, acked later' });
    await a.adapter.saveMessage(message(conv.id, 'once'));
    // The server stores the batch, but its answer never arrives.
    proxy.setFault((req) => (req.path === '/v1/sync/push' ? { kind: 'cut', bytes: 0 } : undefined));
    expect(['offline', 'error']).toContain((await a.engine.syncNow()).state);
    const stored = await serverSnapshot(server.url, token);
    expect(stored.messages.once).toBeDefined();
    expect(await a.adapter.pendingCount()).toBe(2);

    // The tab crashes before the retry: reopen the same database.
    await a.close();
    open.splice(open.indexOf(a), 1);
    proxy.setFault(undefined);
    const again = await device('a-again', { token, userId, store: a.store });
    await again.sync();
    expect(await again.adapter.pendingCount()).toBe(0);

    const client = createSyncClient({ serverUrl: server.url });
    const all = await client.pull(token, undefined, 100);
    // Each record once, at the version of the first (unacknowledged) push.
    expect(all.changes.map((c) => c.id).sort()).toEqual([conv.id, 'once'].sort());
    const meta = await again.adapter.getSyncMetadata('message', 'once');
    expect(meta).toMatchObject({
      syncStatus: 'synced',
      version: all.changes.find((c) => c.id === 'once')!.version,
    });
  });

  it('a record the server refuses is reported with its reason and pushed again once edited', async () => {
    const { token } = await server.signup();
    const a = await device('a', { token });
    const conv = await a.adapter.createConversation({ projectId: 'p1' });
    await a.adapter.saveMessage(message(conv.id, 'huge', 'x'.repeat(4_300_000)));
    const status = await a.sync();
    expect(status).toMatchObject({ state: 'synced', rejected: 1 });
    const [rejected] = a.engine.getRejected();
    expect(rejected).toMatchObject({ kind: 'message', id: 'huge' });
    expect(rejected!.reason).toMatch(/4 MiB/);
    expect((await a.adapter.getSyncMetadata('message', 'huge'))?.rejected).toBe(rejected!.reason);

    await a.adapter.updateMessage('huge', { content: 'short now' });
    expect((await a.sync()).rejected).toBe(0);
    expect((await serverSnapshot(server.url, token)).messages.huge?.content).toBe('short now');
  });

  it('splits a batch the server finds too large (413) and sends it in smaller requests', async () => {
    const { token } = await server.signup();
    const a = await device('a', { token, maxBatchBytes: 64 * 1024 * 1024 });
    const conv = await a.adapter.createConversation({ projectId: 'p1' });
    for (let i = 0; i < 10; i++)
      await a.adapter.saveMessage(message(conv.id, `big${i}`, `${i}`.repeat(1_800_000)));
    await a.sync();
    expect(await a.adapter.pendingCount()).toBe(0);
    expect(Object.keys((await serverSnapshot(server.url, token)).messages)).toHaveLength(10);
    expect(pushes().length).toBeGreaterThan(1);
  });

  it('goes straight to offline when the device knows it has no network, and syncs on the online event', async () => {
    const { token } = await server.signup();
    const a = await device('a', { token });
    a.network.online = false;
    await a.adapter.createConversation({ projectId: 'p1' });
    const before = a.requests.length;
    expect((await a.engine.syncNow()).state).toBe('offline');
    expect(a.requests.length).toBe(before);
    a.network.setOnline(true);
    await until(() => a.engine.getStatus().state === 'synced', 'a syncs when the network is back');
    expect(pulls().length).toBeGreaterThan(0);
  });
});
