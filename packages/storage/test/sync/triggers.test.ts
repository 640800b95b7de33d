// When the engine syncs: after local changes (at once, or paced while an
// answer streams, or debounced when asked), periodically while
// the page is visible, when the page becomes visible, when the network comes
// back, and after a backoff; with injected timers the schedule is exact.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Device, openDevice, settle, sleep, until } from './harness/devices.js';
import { ManualTimers } from './harness/manual-timers.js';
import { startServer, type TestServer } from './harness/server.js';
import { MemoryLockManager } from './memory-locks.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

const open: Device[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function device(opts: Partial<Parameters<typeof openDevice>[1]> = {}) {
  const { token } = await server.signup();
  const d = await openDevice('d', { serverUrl: server.url, token, ...opts });
  open.push(d);
  return d;
}

const pushCount = (d: Device) => d.requests.filter((p) => p === '/v1/sync/push').length;
const pullCount = (d: Device) => d.requests.filter((p) => p === '/v1/sync/pull').length;

describe('sync triggers (real timers)', () => {
  it('a burst of local writes is pushed once, about one debounce period after the last', async () => {
    const d = await device({ debounceMs: 150 });
    const c = await d.adapter.createConversation({ projectId: 'p1' });
    for (let i = 0; i < 5; i++) {
      await d.adapter.saveMessage({
        id: `m${i}`,
        conversationId: c.id,
        projectId: 'p1',
        role: 'user',
        content: `${i}`,
      });
    }
    await until(() => {
      const status = d.engine.getStatus();
      return status.state === 'pending' && status.count === 6;
    }, 'the outbox size shows');
    await sleep(40);
    expect(pushCount(d)).toBe(0);
    await until(() => d.engine.getStatus().state === 'synced', 'the burst is synced', 3000);
    expect(pushCount(d)).toBe(1);
  });

  it('a finished message, a rename and a delete are each pushed at once', async () => {
    const d = await device({ debounceMs: 0 });
    const c = await d.adapter.createConversation({ projectId: 'p1' });
    await until(() => pushCount(d) === 1, 'the new conversation is pushed', 500);
    const steps: [string, () => Promise<unknown>][] = [
      [
        'a finished message',
        () =>
          d.adapter.saveMessage({
            id: 'q',
            conversationId: c.id,
            projectId: 'p1',
            role: 'user',
            content: 'hi',
          }),
      ],
      ['a rename', () => d.adapter.updateConversation(c.id, { title: 'renamed' })],
      ['a delete', () => d.adapter.deleteMessage('q')],
    ];
    for (const [what, step] of steps) {
      await settle(d.engine);
      const before = pushCount(d);
      const t = Date.now();
      await step();
      await until(() => pushCount(d) > before, `${what} is pushed`, 500);
      expect(Date.now() - t, what).toBeLessThan(200);
    }
  });

  it('while an answer streams, its chunks are pushed at most once a second; the finished answer at once', async () => {
    const d = await device({ debounceMs: 0 });
    const c = await d.adapter.createConversation({ projectId: 'p1' });
    await until(() => d.engine.getStatus().state === 'synced', 'the conversation is synced');
    const pushedAt: number[] = [];
    const watch = setInterval(() => {
      while (pushedAt.length < pushCount(d)) pushedAt.push(Date.now());
    }, 2);
    try {
      const before = pushCount(d);
      await d.adapter.saveMessage({
        id: 's',
        conversationId: c.id,
        projectId: 'p1',
        role: 'assistant',
        content: '',
        status: 'streaming',
      });
      const started = Date.now();
      let text = '';
      while (Date.now() - started < 2500) {
        text += 'token ';
        await d.adapter.updateMessage('s', { content: text });
        await sleep(20);
      }
      const streamed = pushCount(d) - before;
      // About 2.5 pushes' worth of time: 2 or 3 pushes, never one per chunk.
      expect(streamed).toBeGreaterThanOrEqual(2);
      expect(streamed).toBeLessThanOrEqual(4);
      const gaps = pushedAt.slice(before + 1).map((t, i) => t - pushedAt[before + i]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);

      const finishing = pushCount(d);
      const t = Date.now();
      await d.adapter.updateMessage('s', { content: `${text}done`, status: 'complete' });
      await until(() => pushCount(d) > finishing, 'the finished answer is pushed', 500);
      expect(Date.now() - t).toBeLessThan(200);
      await until(() => d.engine.getStatus().state === 'synced', 'synced');
      const server = await d.adapter.getSyncMetadata('message', 's');
      expect(server?.syncStatus).toBe('synced');
    } finally {
      clearInterval(watch);
    }
  });

  it('syncs every interval while visible, not while hidden, and at once when visible again', async () => {
    const d = await device({ intervalMs: 100 });
    const start = pullCount(d);
    await sleep(450);
    expect(pullCount(d) - start).toBeGreaterThanOrEqual(3);
    d.network.setVisible(false);
    await settle(d.engine);
    const hidden = pullCount(d);
    await sleep(350);
    expect(pullCount(d) - hidden).toBeLessThanOrEqual(1);
    d.network.setVisible(true);
    await until(() => pullCount(d) > hidden + 1, 'a sync when the page shows', 1000);
  });
});

describe('sync triggers (injected timers)', () => {
  async function manualDevice(timers: ManualTimers, serverUrl = server.url) {
    const { token } = await server.signup();
    const d = await openDevice('m', {
      serverUrl,
      token,
      timers,
      locks: new MemoryLockManager(),
      debounceMs: 1000,
      intervalMs: 30_000,
      backoff: { baseMs: 1000, maxMs: 60_000 },
    });
    open.push(d);
    return d;
  }

  it('a local change syncs exactly one debounce period later', async () => {
    const timers = new ManualTimers();
    const d = await manualDevice(timers);
    await d.adapter.createConversation({ projectId: 'p1' });
    timers.advance(999);
    await sleep(30);
    expect(pushCount(d)).toBe(0);
    timers.advance(1);
    await until(() => pushCount(d) === 1, 'the push');
    await settle(d.engine);
    expect(d.engine.getStatus()).toMatchObject({ state: 'synced', lastSyncedAt: timers.now() });
  });

  it('retries a failing server on the backoff schedule: 0.5 s, 1 s, 2 s ... with no jitter drawn', async () => {
    const timers = new ManualTimers(0);
    // A port nobody listens on: connection refused, a real network error.
    const d = await manualDevice(timers, 'http://127.0.0.1:9');
    const status = d.engine.getStatus();
    expect(status.state).toBe('offline');
    expect(status).toMatchObject({ retryAt: timers.now() + 500 });
    for (const wait of [500, 1000, 2000, 4000]) {
      const before = d.requests.length;
      timers.advance(wait - 1);
      await sleep(20);
      expect(d.requests.length).toBe(before);
      timers.advance(1);
      await until(() => d.requests.length === before + 1, `the retry after ${wait} ms`);
      await settle(d.engine);
    }
  });

  it('the periodic sync waits for the page to be visible', async () => {
    const timers = new ManualTimers();
    const d = await manualDevice(timers);
    const pulls = pullCount(d);
    d.network.visible = false;
    timers.advance(30_000);
    await sleep(30);
    expect(pullCount(d)).toBe(pulls);
    d.network.setVisible(true);
    await until(() => pullCount(d) === pulls + 1, 'the sync on visibility');
  });

  it('the online event syncs at once, without waiting for the backoff', async () => {
    const timers = new ManualTimers();
    const d = await manualDevice(timers);
    d.network.online = false;
    await d.adapter.createConversation({ projectId: 'p1' });
    expect((await d.engine.syncNow()).state).toBe('offline');
    d.network.setOnline(true);
    await until(() => d.engine.getStatus().state === 'synced', 'synced after the online event');
  });
});
