// End-to-end encrypted sync through the real server: turning it on
// re-encrypts everything, other devices wait for the passphrase and then
// sync, records altered or swapped on the server are quarantined (reported,
// never applied), and the keys can be changed, recovered, remembered and
// turned off.
import { describe, expect, it } from 'vitest';
import { createSyncClient } from '../../src/sync/http.js';
import { indexedDbKeyStore } from '../../src/sync/key-store.js';
import type { SyncableChatStorage } from '../../src/types.js';
import { sqliteDatabase } from './harness/database.js';
import { ADAPTER_KINDS, type Device, newDeviceStore, openDevice, settle, until } from './harness/devices.js';
import { useTestServer } from './harness/server.js';
import { deviceSnapshot } from './harness/snapshot.js';

const t = useTestServer();
/** Fast key derivation for tests (the default, DEFAULT_PBKDF2_ITERATIONS, is timed in the benchmarks). */
const FAST = { iterations: 1_000 };
const PASSPHRASE = 'correct horse battery staple';

async function account() {
  const { token, userId } = await t.server.signup();
  const device = async (name: string, store = newDeviceStore()) => {
    const d = await openDevice(name, { serverUrl: t.server.url, token, userId, store });
    t.open.push(d);
    return d;
  };
  return { token, userId, device };
}

async function write(adapter: SyncableChatStorage, title: string, texts: string[]) {
  const conversation = await adapter.createConversation({ projectId: 'p1', title });
  const ids: string[] = [];
  for (const [i, content] of texts.entries()) {
    const m = await adapter.saveMessage({
      id: `${conversation.id}-m${i}`,
      conversationId: conversation.id,
      projectId: 'p1',
      role: i % 2 === 0 ? 'user' : 'assistant',
      content,
    });
    ids.push(m.id);
  }
  return { conversation, ids };
}

/** Every change the server holds for the account, as stored (ciphertext when encrypted). */
async function rawServer(token: string) {
  const client = createSyncClient({ serverUrl: t.server.url });
  const all = [];
  let since: string | undefined;
  for (;;) {
    const page = await client.pull(token, since, 1000);
    all.push(...page.changes);
    if (!page.hasMore) return all;
    since = page.cursor;
  }
}

async function turnOn(device: Device): Promise<string> {
  const prepared = await device.engine.encryption.prepare(PASSPHRASE, FAST);
  await prepared.turnOn();
  await settle(device.engine);
  expect(device.engine.getStatus()).toMatchObject({ state: 'synced', encryption: 'on' });
  return prepared.recoveryKey;
}

describe('end-to-end encrypted sync', () => {
  it('turning it on re-encrypts every record; another device waits for the passphrase, then syncs both ways', async () => {
    const { token, device } = await account();
    const a = await device('a');
    await write(a.adapter, 'Secret plans', ['first words', 'an answer']);
    await a.sync();
    expect((await rawServer(token)).some((c) => JSON.stringify(c.data).includes('first words'))).toBe(true);

    await turnOn(a);
    const stored = await rawServer(token);
    expect(stored.length).toBe(3);
    for (const change of stored) {
      expect(change.data).toMatchObject({ enc: 1 });
      expect(change.projectId).not.toBe('p1');
      expect(JSON.stringify(change)).not.toMatch(/Secret plans|first words|an answer/);
    }

    const b = await device('b');
    expect(b.engine.getStatus()).toMatchObject({ state: 'locked', encryption: 'locked' });
    // Nothing came down while locked.
    expect(await b.adapter.listProjects()).toEqual([]);
    await expect(b.engine.encryption.unlock({ passphrase: 'correct horse battery' })).rejects.toMatchObject({
      code: 'wrong-passphrase',
      message: expect.stringMatching(/does not unlock/),
    });
    expect(b.engine.getStatus().state).toBe('locked');

    await b.engine.encryption.unlock({ passphrase: PASSPHRASE });
    await until(
      async () =>
        (await deviceSnapshot(b.adapter)).messages !== undefined && b.engine.getStatus().state === 'synced',
      'b synced',
    );
    await until(
      async () => Object.keys((await deviceSnapshot(b.adapter)).messages).length === 2,
      'b has the messages',
    );
    expect(await deviceSnapshot(b.adapter)).toEqual(await deviceSnapshot(a.adapter));

    // And back: B writes, A reads.
    const fromB = await write(b.adapter, 'From b', ['written on b']);
    await b.sync();
    await a.sync();
    expect((await a.adapter.loadConversation(fromB.conversation.id)).map((m) => m.content)).toEqual([
      'written on b',
    ]);
    expect(JSON.stringify(await rawServer(token))).not.toContain('written on b');
    // A deletion reaches the other device too (tombstones carry the opaque project id).
    await b.adapter.deleteConversation(fromB.conversation.id);
    await b.sync();
    await a.sync();
    expect(await a.adapter.getConversation(fromB.conversation.id)).toBeUndefined();
    expect(a.engine.getStatus().quarantined).toBe(0);
  });

  it('records altered or swapped on the server are quarantined and reported, never applied, and the rest syncs', async () => {
    const { token, device } = await account();
    const a = await device('a');
    const { conversation, ids } = await write(a.adapter, 'Tamper target', ['one', 'two', 'three', 'four']);
    await turnOn(a);

    const db = sqliteDatabase(t.server.dataDir);
    const stored = await rawServer(token);
    const data = (id: string) =>
      stored.find((c) => c.id === id)!.data as unknown as { enc: 1; iv: string; ct: string };
    // One byte of m0's ciphertext flipped; m1 and m2 carry each other's ciphertext.
    const ct = data(ids[0]!).ct;
    const flipped = { ...data(ids[0]!), ct: ct.slice(0, 5) + (ct[5] === 'A' ? 'B' : 'A') + ct.slice(6) };
    await db.run('UPDATE records SET data = $1 WHERE id = $2', [JSON.stringify(flipped), ids[0]]);
    await db.run('UPDATE records SET data = $1 WHERE id = $2', [JSON.stringify(data(ids[2]!)), ids[1]]);
    await db.run('UPDATE records SET data = $1 WHERE id = $2', [JSON.stringify(data(ids[1]!)), ids[2]]);

    // A new device reads everything (conversation list, then its messages) and unlocks.
    const b = await device('b');
    await b.engine.encryption.unlock({ passphrase: PASSPHRASE });
    await until(
      async () => b.engine.getStatus().state === 'synced' && !b.engine.getStatus().backfill,
      'b downloaded',
    );
    await b.engine.prioritize(conversation.id);
    const messages = await b.adapter.loadConversation(conversation.id);
    expect(messages.map((m) => m.content)).toEqual(['four']);
    expect(b.engine.getStatus()).toMatchObject({ state: 'synced', quarantined: 3 });
    const reports = await b.engine.encryption.listQuarantined();
    expect(reports.map((r) => r.id).sort()).toEqual([ids[0], ids[1], ids[2]].sort());
    for (const report of reports) {
      expect(report).toMatchObject({ kind: 'message', failure: 'authentication-failed' });
      expect(report.message).toMatch(
        /altered, belongs to another record, or was encrypted under another key/,
      );
    }

    // m3 now carries m0's flipped ciphertext (moved and altered): another device quarantines all four.
    await db.run('UPDATE records SET data = $1 WHERE id = $2', [JSON.stringify(flipped), ids[3]]);
    const c = await device('c');
    await c.engine.encryption.unlock({ passphrase: PASSPHRASE });
    await settle(c.engine);
    await c.engine.prioritize(conversation.id);
    expect(c.engine.getStatus().quarantined).toBe(4);
    expect(await c.adapter.loadConversation(conversation.id)).toEqual([]);
    // The writer's own copy is untouched.
    expect((await a.adapter.loadConversation(conversation.id)).map((m) => m.content)).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
  });

  it.each(ADAPTER_KINDS)(
    'quarantine reports survive a reopen (%s) and go when the record comes readable or the user dismisses them',
    async (kind) => {
      const { token, device } = await account();
      const a = await device('a');
      const { conversation, ids } = await write(a.adapter, 'Kept out', ['zero', 'one', 'two']);
      await turnOn(a);
      const db = sqliteDatabase(t.server.dataDir);
      const stored = await rawServer(token);
      const data = (id: string) =>
        stored.find((c) => c.id === id)!.data as unknown as { enc: 1; iv: string; ct: string };
      // m0 and m1 carry each other's ciphertext.
      await db.run('UPDATE records SET data = $1 WHERE id = $2', [JSON.stringify(data(ids[1]!)), ids[0]]);
      await db.run('UPDATE records SET data = $1 WHERE id = $2', [JSON.stringify(data(ids[0]!)), ids[1]]);

      const store = newDeviceStore(kind);
      const b = await device('b', store);
      await b.engine.encryption.unlock({ passphrase: PASSPHRASE }, { remember: true });
      await until(
        () => b.engine.getStatus().state === 'synced' && !b.engine.getStatus().backfill,
        'b downloaded',
      );
      await b.engine.prioritize(conversation.id);
      expect(b.engine.getStatus().quarantined).toBe(2);
      await b.close();

      const reopened = await device('b reopened', store);
      await until(() => reopened.engine.getStatus().quarantined === 2, 'the reports are read back');
      const reports = await reopened.engine.encryption.listQuarantined();
      expect(reports.map((r) => r.id).sort()).toEqual([ids[0], ids[1]].sort());
      expect(reports[0]).toMatchObject({ kind: 'message', failure: 'authentication-failed' });

      await reopened.engine.encryption.dismissQuarantined({ kind: 'message', id: ids[1]! });
      expect(reopened.engine.getStatus().quarantined).toBe(1);
      await reopened.close();
      const again = await device('b again', store);
      await until(() => again.engine.getStatus().quarantined === 1, 'one report is read back');
      expect((await again.engine.encryption.listQuarantined()).map((r) => r.id)).toEqual([ids[0]]);

      // The writer sends everything again under newer stamps: m0 now opens, and its report goes.
      await a.adapter.restampAll();
      await a.sync();
      await again.sync();
      expect(again.engine.getStatus().quarantined).toBe(0);
      expect((await again.adapter.loadConversation(conversation.id)).map((m) => m.content)).toEqual([
        'zero',
        'one',
        'two',
      ]);
      await again.close();
      const last = await device('b last', store);
      expect(last.engine.getStatus().quarantined).toBe(0);
      expect(await last.engine.encryption.listQuarantined()).toEqual([]);
    },
  );

  it('a passphrase change re-wraps the key only; a second device unlocks with the new passphrase or the recovery key', async () => {
    const { token, device } = await account();
    const a = await device('a');
    await write(a.adapter, 'Keys', ['kept']);
    const recoveryKey = await turnOn(a);
    const before = JSON.stringify(await rawServer(token));

    await a.engine.encryption.changePassphrase({ passphrase: PASSPHRASE }, 'a new passphrase', FAST);
    // No record was encrypted again.
    expect(JSON.stringify(await rawServer(token))).toBe(before);

    const b = await device('b');
    await expect(b.engine.encryption.unlock({ passphrase: PASSPHRASE })).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    await b.engine.encryption.unlock({ passphrase: 'a new passphrase' });
    await settle(b.engine);
    expect(b.engine.getStatus().state).toBe('synced');

    const c = await device('c');
    await expect(
      c.engine.encryption.unlock({
        recoveryKey: `${recoveryKey.slice(0, -1)}${recoveryKey.endsWith('0') ? '1' : '0'}`,
      }),
    ).rejects.toMatchObject({ code: 'invalid-recovery-key' });
    await c.engine.encryption.unlock({ recoveryKey: recoveryKey.toLowerCase().replace(/-/g, ' ') });
    await settle(c.engine);
    await until(async () => Object.keys((await deviceSnapshot(c.adapter)).messages).length === 1, 'c synced');
    expect(await deviceSnapshot(c.adapter)).toEqual(await deviceSnapshot(a.adapter));
  });

  it('a device offline while encryption was turned on keeps its edits, asks for the passphrase, then sends them encrypted', async () => {
    const { token, device } = await account();
    const a = await device('a');
    const b = await device('b');
    const shared = await write(a.adapter, 'Shared', ['before']);
    await a.sync();
    await b.sync();
    b.network.setOnline(false);
    await b.adapter.saveMessage({
      id: 'written-offline',
      conversationId: shared.conversation.id,
      projectId: 'p1',
      role: 'user',
      content: 'typed while offline',
    });

    await turnOn(a);
    b.network.setOnline(true);
    await settle(b.engine);
    await until(() => b.engine.getStatus().state === 'locked', 'b asks for the passphrase');
    expect(b.engine.getStatus()).toMatchObject({ state: 'locked', pending: 1 });
    // Its local data stays readable, and its edit was neither lost nor marked refused.
    expect((await b.adapter.loadConversation(shared.conversation.id)).map((m) => m.content)).toEqual([
      'before',
      'typed while offline',
    ]);
    expect(await b.engine.listRefused()).toEqual([]);

    await b.engine.encryption.unlock({ passphrase: PASSPHRASE });
    await settle(b.engine);
    expect(b.engine.getStatus()).toMatchObject({ state: 'synced', encryption: 'on' });
    await a.sync();
    expect((await a.adapter.loadConversation(shared.conversation.id)).map((m) => m.content)).toEqual([
      'before',
      'typed while offline',
    ]);
    expect(JSON.stringify(await rawServer(token))).not.toContain('typed while offline');
  });

  it('"remember on this device" keeps the key across restarts until sign-out', async () => {
    const { device } = await account();
    const a = await device('a');
    await write(a.adapter, 'Remembered', ['hello']);
    await turnOn(a);

    const store = newDeviceStore();
    const b = await device('b', store);
    await b.engine.encryption.unlock({ passphrase: PASSPHRASE }, { remember: true });
    await settle(b.engine);
    await b.close();
    const again = await device('b again', store);
    expect(again.engine.getStatus()).toMatchObject({ state: 'synced', encryption: 'on' });
    await again.engine.setToken(null);
    await again.close();
    const signedIn = await device('b signed in again', store);
    expect(signedIn.engine.getStatus().state).toBe('locked');

    // Not remembered: the next start asks again.
    await signedIn.engine.encryption.unlock({ passphrase: PASSPHRASE }, { remember: false });
    await settle(signedIn.engine);
    expect(signedIn.engine.getStatus().state).toBe('synced');
    await signedIn.close();
    expect((await device('b once more', store)).engine.getStatus().state).toBe('locked');
  });

  it('an unlock in a tab that does not sync, not remembered, reaches the syncing tab; nothing is stored', async () => {
    const { token, userId } = await t.server.signup();
    const opts = { serverUrl: t.server.url, token, userId };
    const a = await openDevice('a', opts);
    t.open.push(a);
    await write(a.adapter, 'Two tabs', ['read in the leading tab']);
    await turnOn(a);

    const store = newDeviceStore('indexeddb');
    const leader = await openDevice('leading tab', { ...opts, store });
    t.open.push(leader);
    const follower = await openDevice('other tab', { ...opts, store, start: false });
    t.open.push(follower);
    follower.engine.start();
    await until(() => follower.engine.getStatus().state === 'locked', 'the other tab shows the lock');
    expect(leader.engine.getStatus()).toMatchObject({ state: 'locked', leader: true });
    expect(follower.engine.getStatus().leader).toBe(false);

    await follower.engine.encryption.unlock({ passphrase: PASSPHRASE }, { remember: false });
    await until(
      () => leader.engine.getStatus().state === 'synced' && !leader.engine.getStatus().backfill,
      'the leading tab syncs',
    );
    expect(leader.engine.getStatus().encryption).toBe('on');
    await until(
      async () => Object.keys((await deviceSnapshot(leader.adapter)).messages).length === 1,
      'the message arrived',
    );
    expect(follower.requests).not.toContain('/v1/sync/pull');
    // Not remembered: no key was stored on the device.
    expect(
      await indexedDbKeyStore({ factory: store.factory as unknown as IDBFactory }).load(userId!),
    ).toBeUndefined();

    // The leading tab goes away: the other one, holding the key, syncs on without asking.
    await leader.close();
    await until(() => follower.engine.getStatus().leader, 'the other tab leads');
    await write(a.adapter, 'Later', ['written after the switch']);
    await a.sync();
    await follower.sync();
    expect(follower.engine.getStatus()).toMatchObject({ state: 'synced', encryption: 'on' });
    expect(Object.keys((await deviceSnapshot(follower.adapter)).messages).length).toBe(2);
  });

  it('turning it off sends plaintext again; the other device notices and syncs on in plaintext', async () => {
    const { token, device } = await account();
    const a = await device('a');
    const b = await device('b');
    await write(a.adapter, 'Back to plain', ['visible again']);
    await turnOn(a);
    await b.engine.encryption.unlock({ passphrase: PASSPHRASE });
    await settle(b.engine);

    await a.engine.encryption.turnOff();
    await settle(a.engine);
    expect(a.engine.getStatus()).toMatchObject({ state: 'synced', encryption: 'off' });
    const stored = await rawServer(token);
    expect(stored.every((c) => !('enc' in (c.data ?? {})))).toBe(true);
    expect(JSON.stringify(stored)).toContain('visible again');

    const later = await write(a.adapter, 'After', ['plain text']);
    await a.sync();
    await b.sync();
    expect(b.engine.getStatus()).toMatchObject({ state: 'synced', encryption: 'off', quarantined: 0 });
    expect((await b.adapter.loadConversation(later.conversation.id)).map((m) => m.content)).toEqual([
      'plain text',
    ]);
  });

  it('with passphrase and recovery key both lost, a device replaces the server copy; the old key is told it is locked out', async () => {
    const { device } = await account();
    const a = await device('a');
    await write(a.adapter, 'Kept here', ['still on this device']);
    await turnOn(a);
    const b = await device('b');
    await write(b.adapter, 'Only on b', ['b has this']);
    expect(b.engine.getStatus().state).toBe('locked');
    // An ordinary set-up is refused: the account has keys.
    await expect(b.engine.encryption.prepare('fresh start', FAST)).rejects.toMatchObject({
      code: 'invalid-input',
    });

    await (await b.engine.encryption.prepare('fresh start', { ...FAST, replace: true })).turnOn();
    await settle(b.engine);
    expect(b.engine.getStatus()).toMatchObject({ state: 'synced', encryption: 'on' });
    // A's records are under the lost key: B cannot read them and says so.
    expect(b.engine.getStatus().quarantined).toBeGreaterThan(0);

    // A's key no longer opens the account: A stops instead of quarantining B's records.
    await a.engine.syncNow();
    expect(a.engine.getStatus()).toMatchObject({ state: 'locked', quarantined: 0 });
    await a.engine.encryption.unlock({ passphrase: 'fresh start' });
    await settle(a.engine);
    const titles = (await a.adapter.listConversations('p1')).map((c) => c.title).sort();
    expect(titles).toEqual(['Kept here', 'Only on b']);
    // A had pushed under the lost key: once unlocked with the new one it sends everything again.
    await b.sync();
    expect((await b.adapter.listConversations('p1')).map((c) => c.title).sort()).toEqual(titles);
    expect(b.engine.getStatus().quarantined).toBe(0);
  });
});
