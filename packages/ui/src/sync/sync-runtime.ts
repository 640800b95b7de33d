// Runs the one sync engine of this page, with the app's storage adapter,
// following the sync settings: created when sync is turned on, given the
// token on sign-in, taken away on sign-out, rebuilt for another server.
// The engine itself (Web Locks: one tab talks to the server) is in
// @chatkeep/storage; this module only wires it to the settings.
import {
  type ChatStorageAdapter,
  createSyncEngine,
  type EncryptionControls,
  indexedDbKeyStore,
  type RecordKind,
  type RefusedRecord,
  type SyncableChatStorage,
  type SyncConflict,
  type SyncEngine,
  type SyncEngineOptions,
  type SyncEngineStatus,
} from '@chatkeep/storage';
import { DISABLED_STATUS } from './disabled-status.js';
import {
  accountKey,
  SYNC_SETTINGS_KEY,
  type SyncSettingsState,
  type SyncSettingsStore,
  serverUrlProblem,
} from './sync-settings.js';

export interface SyncRuntime {
  /** The engine's status, or `disabled` while sync is off. Stable between changes. */
  getStatus(): SyncEngineStatus;
  subscribe(listener: () => void): () => void;
  /** Syncs now; resolves when done (at once when sync is off). */
  syncNow(): Promise<void>;
  /**
   * Downloads this conversation ahead of the rest of a new device's history;
   * resolves once it is on this device (at once when it is, or sync is off).
   */
  prioritize(conversationId: string): Promise<void>;
  listConflicts(): Promise<SyncConflict[]>;
  restoreConflict(id: string): Promise<void>;
  dismissConflict(id: string): Promise<void>;
  /** Records the server refused, and records kept on this device only (kept across reloads). */
  listRefused(): Promise<RefusedRecord[]>;
  keepLocalOnly(kind: RecordKind, id: string): Promise<void>;
  /** Sends a refused or device-only record again (now, when sync is on). */
  retryRefused(kind: RecordKind, id: string): Promise<void>;
  /** End-to-end encryption of the signed-in account; undefined while sync is off. */
  encryption(): EncryptionControls | undefined;
  /** Forgets every encryption key remembered on this device (sign-out, also with sync off). */
  forgetKeys(): Promise<void>;
  /** Waits for the settings in effect now to be applied. */
  settled(): Promise<void>;
  /** Stops syncing for good in this page (before the database goes away). */
  shutdown(): Promise<void>;
}

export interface SyncRuntimeOptions {
  adapter: ChatStorageAdapter;
  settings: SyncSettingsStore;
  /** Engine options for tests (timers, fetch, locks...). */
  engineOptions?: Partial<SyncEngineOptions>;
  /** Reads the token other tabs may have changed meanwhile; localStorage by default. */
  storedToken?: () => string | undefined;
}

export function isSyncable(adapter: ChatStorageAdapter): adapter is SyncableChatStorage {
  return typeof (adapter as Partial<SyncableChatStorage>).pendingChanges === 'function';
}

function tokenInLocalStorage(): string | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(SYNC_SETTINGS_KEY);
    const parsed = raw ? (JSON.parse(raw) as { state?: Partial<SyncSettingsState> }) : undefined;
    return parsed?.state?.account?.token ?? undefined;
  } catch {
    return undefined;
  }
}

export function createSyncRuntime(opts: SyncRuntimeOptions): SyncRuntime {
  const { adapter, settings } = opts;
  const storedToken = opts.storedToken ?? tokenInLocalStorage;
  const listeners = new Set<() => void>();
  let engine: SyncEngine | undefined;
  let engineServer: string | undefined;
  let engineToken: string | null = null;
  let engineAccount: string | undefined;
  let unsubscribeEngine: (() => void) | undefined;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  const onEngineStatus = (status: SyncEngineStatus) => {
    const current = settings.getState();
    if (status.lastSyncedAt && engineAccount && status.lastSyncedAt !== current.lastSyncedAt) {
      current.syncFinished(engineAccount, status.lastSyncedAt);
    }
    // Signed out while holding a token that is still the saved one: the server refused it.
    if (status.state === 'signed-out' && engineToken && current.account?.token === engineToken) {
      if (storedToken() === engineToken) current.markExpired();
    }
    notify();
  };

  async function dropEngine(): Promise<void> {
    const old = engine;
    engine = undefined;
    engineServer = undefined;
    engineToken = null;
    engineAccount = undefined;
    unsubscribeEngine?.();
    unsubscribeEngine = undefined;
    notify();
    if (old) await old.stop();
  }

  async function apply(state: SyncSettingsState): Promise<void> {
    if (closed) return;
    const wanted = state.enabled && isSyncable(adapter) && !serverUrlProblem(state.serverUrl);
    if (!wanted) {
      await dropEngine();
      return;
    }
    const token = state.account?.token ?? null;
    const account = state.account ? accountKey(state.serverUrl, state.account.userId) : undefined;
    if (engine && engineServer === state.serverUrl) {
      if (token === engineToken) return;
      engineToken = token;
      if (account) engineAccount = account;
      await engine.setToken(token, account ? { userId: account } : {});
      return;
    }
    await dropEngine();
    if (closed) return;
    // The engine's own timing: a finished message, a rename or a delete is pushed
    // at once, a streaming answer at most once a second; the live event stream
    // pulls what other devices change (polling every 30 s against a protocol 1 server).
    const created = createSyncEngine({
      ...opts.engineOptions,
      adapter: adapter as SyncableChatStorage,
      serverUrl: state.serverUrl,
      token,
      // The account this device's sync state follows; a different one makes the engine start over.
      userId: state.syncedAccount ?? account,
    });
    if (account && state.syncedAccount && state.syncedAccount !== account) {
      await created.setToken(token, { userId: account });
    }
    engine = created;
    engineServer = state.serverUrl;
    engineToken = token;
    engineAccount = account;
    unsubscribeEngine = created.subscribe(onEngineStatus);
    created.start();
    notify();
  }

  const schedule = (state: SyncSettingsState) => {
    chain = chain.then(() => apply(state)).catch(() => {});
    return chain;
  };

  const unsubscribeSettings = settings.subscribe((state, previous) => {
    if (
      state.enabled !== previous.enabled ||
      state.serverUrl !== previous.serverUrl ||
      state.account?.token !== previous.account?.token
    ) {
      void schedule(state);
    }
  });
  void schedule(settings.getState());

  const conflictsSource = () => engine ?? (isSyncable(adapter) ? adapter : undefined);

  return {
    getStatus: () => engine?.getStatus() ?? DISABLED_STATUS,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async syncNow() {
      await chain;
      if (engine) await engine.syncNow();
    },
    async prioritize(conversationId) {
      await chain;
      if (engine) await engine.prioritize(conversationId);
    },
    async listConflicts() {
      return (await conflictsSource()?.listConflicts()) ?? [];
    },
    async restoreConflict(id) {
      await conflictsSource()?.restoreConflict(id);
      notify();
    },
    async dismissConflict(id) {
      await conflictsSource()?.dismissConflict(id);
      notify();
    },
    async listRefused() {
      return (await conflictsSource()?.listRefused()) ?? [];
    },
    async keepLocalOnly(kind, id) {
      await conflictsSource()?.keepLocalOnly(kind, id);
      notify();
    },
    async retryRefused(kind, id) {
      await conflictsSource()?.retryRefused(kind, id);
      notify();
    },
    encryption: () => engine?.encryption,
    async forgetKeys() {
      await chain;
      await indexedDbKeyStore().forget();
    },
    settled: () => chain,
    async shutdown() {
      closed = true;
      unsubscribeSettings();
      await chain;
      await dropEngine();
    },
  };
}
