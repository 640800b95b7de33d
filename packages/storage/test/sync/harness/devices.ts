// Simulated devices for sync tests: each has its own storage (its own
// IDBFactory, or its own Storage for localStorage), its own engine, its own
// network switch, and counts the pushes it made.
import { IDBFactory } from 'fake-indexeddb';
import { LocalStorageAdapter } from '../../../src/localstorage/index.js';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../../src/sync/engine.js';
import type { SyncEnvironment } from '../../../src/sync/environment.js';
import { indexedDbKeyStore } from '../../../src/sync/key-store.js';
import type { LockManagerLike } from '../../../src/sync/leader.js';
import type { SyncEngineStatus } from '../../../src/sync/status.js';
import { MemoryStorage } from '../../../src/test-support/memory-storage.js';
import type { SyncableChatStorage } from '../../../src/types.js';
import { openIndexedDB } from './indexeddb.js';

export type AdapterKind = 'indexeddb' | 'localstorage';

/** Where a device keeps its data; two tabs of one device share it. */
export interface DeviceStore {
  kind: AdapterKind;
  dbName: string;
  factory: IDBFactory;
  storage: MemoryStorage;
}

/** The adapters the sync suites run against: CHATKEEP_SYNC_ADAPTERS=indexeddb,localstorage (default both). */
export const ADAPTER_KINDS: AdapterKind[] = (process.env.CHATKEEP_SYNC_ADAPTERS?.split(',') as
  | AdapterKind[]
  | undefined) ?? ['indexeddb', 'localstorage'];

let stores = 0;
export function newDeviceStore(kind: AdapterKind = ADAPTER_KINDS[0]!): DeviceStore {
  return {
    kind,
    dbName: `device-${process.pid}-${++stores}`,
    factory: new IDBFactory(),
    storage: new MemoryStorage(),
  };
}

export async function openAdapter(store: DeviceStore): Promise<SyncableChatStorage> {
  return store.kind === 'indexeddb'
    ? openIndexedDB(store.dbName, store.factory)
    : LocalStorageAdapter.open({ dbName: store.dbName, storage: store.storage });
}

/** A network switch and the browser events that go with it. */
export class TestNetwork implements SyncEnvironment {
  online = true;
  visible = true;
  private readonly listeners = { online: new Set<() => void>(), visible: new Set<() => void>() };

  isOnline() {
    return this.online;
  }
  isVisible() {
    return this.visible;
  }
  on(event: 'online' | 'visible', listener: () => void) {
    this.listeners[event].add(listener);
    return () => {
      this.listeners[event].delete(listener);
    };
  }
  setOnline(online: boolean) {
    this.online = online;
    if (online) for (const l of [...this.listeners.online]) l();
  }
  setVisible(visible: boolean) {
    this.visible = visible;
    if (visible) for (const l of [...this.listeners.visible]) l();
  }
}

export interface Device {
  readonly name: string;
  readonly store: DeviceStore;
  readonly adapter: SyncableChatStorage;
  readonly engine: SyncEngine;
  readonly network: TestNetwork;
  /** Requests this device sent, by path (e.g. '/v1/sync/push'). */
  readonly requests: string[];
  pushes(): number;
  /** Starts the engine and waits for its first sync to end. */
  start(): Promise<SyncEngineStatus>;
  /** Syncs now and throws if the result is not `synced`/`pending`. */
  sync(): Promise<SyncEngineStatus>;
  close(): Promise<void>;
}

export interface DeviceOptions extends Partial<Omit<SyncEngineOptions, 'adapter' | 'serverUrl' | 'token'>> {
  serverUrl: string;
  token: string;
  store?: DeviceStore;
  locks?: LockManagerLike | null;
  /** Start the engine and wait until the device leads its own tabs (default true). */
  start?: boolean;
}

export async function openDevice(name: string, opts: DeviceOptions): Promise<Device> {
  const store = opts.store ?? newDeviceStore();
  const adapter = await openAdapter(store);
  const network = opts.environment instanceof TestNetwork ? opts.environment : new TestNetwork();
  const requests: string[] = [];
  const deviceFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    requests.push(url.pathname);
    if (!network.online) throw new TypeError('fetch failed: the test network is off');
    return (opts.fetch ?? fetch)(input, init);
  };
  const engine = createSyncEngine({
    // Tests sync on demand unless they test the automatic triggers.
    debounceMs: 3_600_000,
    intervalMs: 3_600_000,
    live: false,
    election: { settleMs: 20, heartbeatMs: 50, peerTimeoutMs: 300 },
    backoff: { baseMs: 50, maxMs: 500 },
    // "Remember on this device" keeps keys beside the device's data (its own IDBFactory).
    keyStore: indexedDbKeyStore({ factory: store.factory as unknown as IDBFactory }),
    ...opts,
    locks: opts.locks === undefined ? null : opts.locks,
    adapter,
    fetch: deviceFetch,
    environment: network,
  });
  const device: Device = {
    name,
    store,
    adapter,
    engine,
    network,
    requests,
    pushes: () => requests.filter((p) => p === '/v1/sync/push').length,
    async start() {
      engine.start();
      await until(() => engine.getStatus().leader, `${name} leads its tabs`);
      return settle(engine);
    },
    async sync() {
      const status = await engine.syncNow();
      if (status.state !== 'synced' && status.state !== 'pending') {
        throw new Error(`${name} did not sync: ${JSON.stringify(status)}`);
      }
      return status;
    },
    async close() {
      await engine.stop();
      await adapter.close();
    },
  };
  if (opts.start !== false) await device.start();
  return device;
}

/** Waits until the engine is not syncing. */
export async function settle(engine: SyncEngine, ms = 10_000): Promise<SyncEngineStatus> {
  await until(() => engine.getStatus().state !== 'syncing', 'the engine is idle', ms);
  return engine.getStatus();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}
