// Two tabs of one device (two adapters on one database, two engines): only
// the leading tab talks to the server, both tabs' writes get there, and the
// other tab takes over when the leader goes away.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LockManagerLike } from '../../src/sync/leader.js';
import {
  type Device,
  newDeviceStore,
  openAdapter,
  openDevice,
  settle,
  sleep,
  until,
} from './harness/devices.js';
import { startServer, type TestServer } from './harness/server.js';
import { deviceSnapshot, serverSnapshot } from './harness/snapshot.js';
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
  await Promise.all(open.splice(0).map((d) => d.close().catch(() => undefined)));
});

const cases: [string, () => LockManagerLike | null][] = [
  ['Web Locks', () => new MemoryLockManager()],
  ['BroadcastChannel election (no Web Locks, as in Node)', () => null],
];

describe.each(cases)('two tabs on one device with %s', (_name, makeLocks) => {
  async function twoTabs() {
    const { token, userId } = await server.signup();
    const store = newDeviceStore('indexeddb');
    const locks = makeLocks();
    const opts = { serverUrl: server.url, token, userId, store, locks, debounceMs: 50 };
    const first = await openDevice('tab1', opts);
    open.push(first);
    const second = await openDevice('tab2', { ...opts, start: false });
    open.push(second);
    second.engine.start();
    await sleep(150);
    return { token, first, second };
  }

  it('only the leading tab pushes, and the other tab’s writes still reach the server', async () => {
    const { token, first, second } = await twoTabs();
    expect(first.engine.getStatus().leader).toBe(true);
    expect(second.engine.getStatus().leader).toBe(false);

    const c = await second.adapter.createConversation({ projectId: 'p1', title: 'written in tab 2' });
    await second.adapter.saveMessage({
      id: 't2m',
      conversationId: c.id,
      projectId: 'p1',
      role: 'user',
      content: 'hi',
    });
    await first.adapter.createConversation({ projectId: 'p1', title: 'written in tab 1' });
    // The leader hears tab 2's writes through the cross-tab feed and syncs them.
    await until(async () => (await first.adapter.pendingCount()) === 0, 'the outbox is empty', 5000);
    await settle(first.engine);
    const titles = Object.values((await serverSnapshot(server.url, token)).conversations).map((x) => x.title);
    expect(titles.sort()).toEqual(['written in tab 1', 'written in tab 2']);
    expect(first.pushes()).toBeGreaterThan(0);
    expect(second.requests).toEqual([]);
  });

  it('the follower mirrors the leader’s status and its syncNow makes the leader sync', async () => {
    const { token, first, second } = await twoTabs();
    await until(() => second.engine.getStatus().state === 'synced', 'tab 2 shows the leader’s status');
    expect(second.engine.getStatus()).toMatchObject({ state: 'synced', leader: false });

    // Another device writes; tab 2 asks for a sync; the leader pulls it; tab 2 sees it through the shared database.
    const other = await openDevice('other', { serverUrl: server.url, token });
    open.push(other);
    const c = await other.adapter.createConversation({ projectId: 'p1', title: 'from elsewhere' });
    await other.sync();
    const before = first.requests.length;
    const status = await second.engine.syncNow();
    expect(status).toMatchObject({ state: 'synced', leader: false });
    expect(first.requests.length).toBeGreaterThan(before);
    expect(second.requests).toEqual([]);
    expect((await second.adapter.getConversation(c.id))?.title).toBe('from elsewhere');
  });

  it('when the leading tab closes, the other one takes over and syncs its later writes', async () => {
    const { token, first, second } = await twoTabs();
    await first.close();
    open.splice(open.indexOf(first), 1);
    await until(() => second.engine.getStatus().leader, 'tab 2 leads', 3000);
    const c = await second.adapter.createConversation({ projectId: 'p1', title: 'after the handover' });
    await second.sync();
    expect(second.pushes()).toBeGreaterThan(0);
    expect((await serverSnapshot(server.url, token)).conversations[c.id]?.title).toBe('after the handover');
    expect(await deviceSnapshot(second.adapter)).toEqual(await serverSnapshot(server.url, token));
  });

  it('a sign-in in the follower tab reaches the leader', async () => {
    const username = `tabs${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const { token, userId } = await server.signup(username);
    const store = newDeviceStore('indexeddb');
    const locks = makeLocks();
    const first = await openDevice('tab1', { serverUrl: server.url, token: '', userId, store, locks });
    open.push(first);
    const second = await openDevice('tab2', {
      serverUrl: server.url,
      token: '',
      userId,
      store,
      locks,
      start: false,
    });
    open.push(second);
    second.engine.start();
    await sleep(100);
    expect(first.engine.getStatus().state).toBe('signed-out');
    await first.adapter.createConversation({ projectId: 'p1', title: 'waiting for sign-in' });
    await second.engine.setToken(token, { userId });
    await until(
      () => first.engine.getStatus().state === 'synced',
      'the leader syncs with the new token',
      5000,
    );
    const titles = Object.values((await serverSnapshot(server.url, token)).conversations).map((x) => x.title);
    expect(titles).toEqual(['waiting for sign-in']);
  });
});

// Only a lock can stand for a leader tab that hangs: it holds the lead and answers nothing.
describe('a leading tab that hangs', () => {
  it('a prioritize the leader never answered is done by the follower once it leads', async () => {
    const locks = new MemoryLockManager();
    const { token, userId } = await server.signup();
    const other = await openDevice('other', { serverUrl: server.url, token });
    open.push(other);
    const c = await other.adapter.createConversation({ projectId: 'p1', title: 'asked for from tab 2' });
    await other.sync();
    const store = newDeviceStore('indexeddb');
    // A tab that took the lead and then hung: it holds the lock and answers no message.
    let hungTabGoes!: () => void;
    const hung = new Promise<void>((resolve) => {
      hungTabGoes = resolve;
    });
    const first = await openAdapter(store);
    const lockName = first.clientId; // Tabs of one device elect a leader under the device's client id.
    await first.close();
    void locks.request(lockName, {}, () => hung);
    const tab = await openDevice('tab2', {
      serverUrl: server.url,
      token,
      userId,
      store,
      locks,
      start: false,
    });
    open.push(tab);
    tab.engine.start();
    await sleep(100);
    expect(tab.engine.getStatus().leader).toBe(false);
    let answered = false;
    const asked = tab.engine.prioritize(c.id).then(() => {
      answered = true;
    });
    await sleep(200);
    expect(answered).toBe(false);
    hungTabGoes();
    await until(() => answered, 'the prioritize call returns once tab 2 leads', 5000);
    await asked;
    await tab.sync();
    expect((await tab.adapter.getConversation(c.id))?.title).toBe('asked for from tab 2');
  });
});
