// Push and pull throughput of the real sync engine with the IndexedDB
// adapter in Chromium, against the real server, with end-to-end encryption
// off or on (the driver, bench/src/node/encryption-browser-figure.ts, makes
// the accounts and alternates the variants). With encryption on the engine
// has the account's data key in its key store before the clock starts, as a
// device that remembers it does (its first cycle reads the account's keys,
// one request in either variant, and takes the key from the store); every
// record then goes through RecordSeal on its way out (sealed) and in
// (opened and checked).
// - push: N local changes saved in a database of their own, then the engine
//   started, timed until every one of them is acknowledged (nothing pending);
// - pull: a database that synced once while the account was empty (its
//   cursor at the start, so no fresh-device download), timed from the
//   engine's start to `synced` with every change applied.
import {
  createSyncEngine,
  IndexedDBAdapter,
  type KeyStore,
  memoryKeyStore,
  type SyncEngineStatus,
} from '@chatkeep/storage';
import { type KeyMaterial, unlockWithPassphrase } from '@chatkeep/storage/crypto';
import { conversationsOf, type DatasetSpec } from '../shared/dataset.js';
import { deleteDatabase, pause } from './context.js';

export interface EncryptedSyncAccount {
  token: string;
  userId: string;
  /** The account's key material and passphrase when it is encrypted. */
  keys?: { material: KeyMaterial; passphrase: string };
}

export interface EncryptedSyncStep {
  kind: 'push' | 'pull';
  encrypted: boolean;
  changes: number;
  seconds: number;
  /** Time inside the adapter's applyRemote (pull) or markPushed (push), summed. */
  adapterSeconds: number;
}

/** A key store holding the account's data key, so the engine starts unlocked (no passphrase asked). */
export async function unlockedKeyStore(account: EncryptedSyncAccount): Promise<KeyStore> {
  const store = memoryKeyStore();
  if (account.keys) {
    const key = await unlockWithPassphrase(account.keys.material, account.keys.passphrase);
    await store.save(account.userId, { base: key.base, check: key.check });
  }
  return store;
}

/** Saves the first `changes` records of the dataset (conversations with their messages), as the app writes them. */
async function saveSample(adapter: IndexedDBAdapter, spec: DatasetSpec, changes: number): Promise<void> {
  let left = changes;
  for (const { conversation, messages } of conversationsOf(spec)) {
    if (left <= 0) break;
    const kept = messages.slice(0, left - 1);
    await adapter.saveConversation({ ...conversation, messageCount: kept.length }, kept);
    left -= 1 + kept.length;
  }
}

function until(
  engine: ReturnType<typeof createSyncEngine>,
  done: (status: SyncEngineStatus) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (status: SyncEngineStatus) => {
      if (status.state === 'error' || status.state === 'signed-out' || status.state === 'locked') {
        unsubscribe();
        reject(new Error(`sync stopped: ${JSON.stringify(status)}`));
      } else if (done(status)) {
        unsubscribe();
        resolve();
      }
    };
    const unsubscribe = engine.subscribe(check);
    check(engine.getStatus());
  });
}

/** One timed push or pull in a new database `dbName` (deleted afterwards). */
export async function encryptedSyncStep(
  kind: 'push' | 'pull',
  account: EncryptedSyncAccount,
  spec: DatasetSpec,
  changes: number,
  dbName: string,
): Promise<EncryptedSyncStep> {
  await deleteDatabase(dbName);
  const adapter = await IndexedDBAdapter.open({ dbName });
  // Synced once while the account was empty: the engine pulls from the start, with no fresh-device download.
  await adapter.applyRemote([], '0');
  if (kind === 'push') {
    await saveSample(adapter, spec, changes);
    const pending = await adapter.pendingCount();
    if (pending !== changes) throw new Error(`${pending} changes pending, expected ${changes}`);
  }
  let adapterMs = 0;
  let acked = 0;
  let allAcked: () => void = () => {};
  const pushed = new Promise<void>((resolve) => {
    allAcked = resolve;
  });
  const markPushed = adapter.markPushed.bind(adapter);
  adapter.markPushed = async (acks, at) => {
    const t = performance.now();
    await markPushed(acks, at);
    adapterMs += performance.now() - t;
    acked += acks.length;
    if (acked >= changes) allAcked();
  };
  const applyRemote = adapter.applyRemote.bind(adapter);
  adapter.applyRemote = async (remote, cursor, download) => {
    const t = performance.now();
    try {
      return await applyRemote(remote, cursor, download);
    } finally {
      if (kind === 'pull') adapterMs += performance.now() - t;
    }
  };
  const engine = createSyncEngine({
    adapter,
    serverUrl: location.origin,
    token: account.token,
    userId: account.userId,
    keyStore: await unlockedKeyStore(account),
    live: false,
  });
  await pause(200);
  const t = performance.now();
  const synced = until(engine, (s) => s.state === 'synced' && s.lastSyncedAt !== null);
  engine.start();
  if (kind === 'push') await pushed;
  else await synced;
  const seconds = (performance.now() - t) / 1000;
  await synced;
  const encryption = engine.getStatus().encryption;
  await engine.stop();
  if (encryption !== (account.keys ? 'on' : 'off')) throw new Error(`encryption was ${encryption}`);
  if (kind === 'pull') {
    const pulled = await adapter.listConversations(spec.projectId, { includeArchived: true });
    const count = pulled.length + pulled.reduce((sum, c) => sum + c.messageCount, 0);
    if (count !== changes) throw new Error(`pulled ${count} records, expected ${changes}`);
  }
  await adapter.close();
  await deleteDatabase(dbName);
  return { kind, encrypted: Boolean(account.keys), changes, seconds, adapterSeconds: adapterMs / 1000 };
}
