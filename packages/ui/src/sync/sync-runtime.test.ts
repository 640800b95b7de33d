// @vitest-environment node
// The runtime with the real engine, IndexedDB adapter (fake-indexeddb) and
// the real sync server on loopback.
import { type ChatStorageAdapter, createSyncClient } from '@chatkeep/storage';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../test/memory-storage.js';
import { openTestStorage } from '../../test/storage.js';
import { type RunningSyncServer, startSyncServer } from '../../test/sync-server.js';
import { authenticate, endSession } from './auth.js';
import { createSyncRuntime, isSyncable, type SyncRuntime } from './sync-runtime.js';
import { accountKey, createSyncSettings, type SyncAccount } from './sync-settings.js';

let server: RunningSyncServer;
const cleanups: (() => Promise<unknown>)[] = [];
let n = 0;

beforeAll(async () => {
  server = await startSyncServer();
});
afterAll(() => server?.close());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const signUp = () =>
  authenticate('signup', `rt${++n}-${Date.now().toString(36)}`, 'long enough password', {
    serverUrl: server.url,
  });

async function device(account?: SyncAccount) {
  const adapter = await openTestStorage();
  const settings = createSyncSettings(() => new MemoryStorage());
  settings.getState().setServerUrl(server.url);
  if (account) {
    settings.getState().signedIn(account);
    settings.getState().setEnabled(true);
  }
  const runtime = createSyncRuntime({
    adapter,
    settings,
    storedToken: () => settings.getState().account?.token,
    engineOptions: { locks: null, election: { settleMs: 10 }, debounceMs: 60_000, intervalMs: 60_000 },
  });
  cleanups.push(
    () => adapter.close(),
    () => runtime.shutdown(),
  );
  return { adapter, settings, runtime };
}

async function sync({ runtime }: { runtime: SyncRuntime }) {
  await runtime.settled();
  await runtime.syncNow();
  return runtime.getStatus();
}

async function titles(adapter: ChatStorageAdapter) {
  return (await adapter.listConversations('p', { includeArchived: true })).map((c) => c.title).sort();
}

describe('sync runtime', () => {
  it('with sync on and an account, local history reaches the server and a second device', async () => {
    const account = await signUp();
    const a = await device(account);
    await a.adapter.createConversation({ projectId: 'p', title: 'From device A' });
    expect((await sync(a)).state).toBe('synced');
    expect(a.settings.getState().syncedAccount).toBe(accountKey(server.url, account.userId));
    expect(a.settings.getState().lastSyncedAt).toEqual(expect.any(Number));

    const b = await device(account);
    expect((await sync(b)).state).toBe('synced');
    expect(await titles(b.adapter)).toEqual(['From device A']);
  });

  it('while sync is off nothing runs: the status is disabled and changes stay local', async () => {
    const account = await signUp();
    const a = await device(account);
    a.settings.getState().setEnabled(false);
    await a.adapter.createConversation({ projectId: 'p', title: 'Kept here' });
    expect((await sync(a)).state).toBe('disabled');
    const pulled = await createSyncClient({ serverUrl: server.url }).pull(account.token, undefined, 10);
    expect(pulled.changes).toEqual([]);
  });

  it('a token the server no longer accepts asks to sign in again and keeps local data', async () => {
    const account = await signUp();
    const a = await device(account);
    await a.adapter.createConversation({ projectId: 'p', title: 'Survives expiry' });
    await endSession(account, { serverUrl: server.url });
    expect((await sync(a)).state).toBe('signed-out');
    expect(a.settings.getState()).toMatchObject({ expired: true, account: null });
    expect(await titles(a.adapter)).toEqual(['Survives expiry']);
  });

  it('signing out stops syncing without calling it an expiry; later changes wait on this device', async () => {
    const account = await signUp();
    const a = await device(account);
    await sync(a);
    a.settings.getState().signedOut();
    await a.runtime.settled();
    expect(a.runtime.getStatus().state).toBe('signed-out');
    expect(a.settings.getState().expired).toBe(false);
    await a.adapter.createConversation({ projectId: 'p', title: 'After sign-out' });
    await sync(a);
    const pulled = await createSyncClient({ serverUrl: server.url }).pull(account.token, undefined, 10);
    expect(pulled.changes.map((c) => (c.data as { title?: string }).title)).not.toContain('After sign-out');
  });

  it('signing in to another account starts over: everything on this device goes to the new account', async () => {
    const first = await signUp();
    const second = await signUp();
    const a = await device(first);
    await a.adapter.createConversation({ projectId: 'p', title: 'Moves with me' });
    await sync(a);
    a.settings.getState().signedOut();
    a.settings.getState().signedIn(second);
    expect((await sync(a)).state).toBe('synced');
    const pulled = await createSyncClient({ serverUrl: server.url }).pull(second.token, undefined, 10);
    expect(pulled.changes.map((c) => (c.data as { title?: string }).title)).toContain('Moves with me');
  });

  it('the same account after a reload does not start over', async () => {
    const account = await signUp();
    const a = await device(account);
    const { id } = await a.adapter.createConversation({ projectId: 'p', title: 'Once' });
    await sync(a);
    if (!isSyncable(a.adapter)) throw new Error('the test adapter supports sync');
    const before = await a.adapter.getSyncMetadata('conversation', id);
    expect(before?.syncStatus).toBe('synced');
    await new Promise((r) => setTimeout(r, 5));
    await a.runtime.shutdown();
    // A new page on the same database and settings.
    const again = createSyncRuntime({
      adapter: a.adapter,
      settings: a.settings,
      storedToken: () => a.settings.getState().account?.token,
      engineOptions: { locks: null, election: { settleMs: 10 } },
    });
    cleanups.push(() => again.shutdown());
    await sync({ runtime: again });
    expect(again.getStatus().state).toBe('synced');
    // A reset would have pushed the record again, and marked it synced at a new time.
    expect(await a.adapter.getSyncMetadata('conversation', id)).toEqual(before);
  });
});
