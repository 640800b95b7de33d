// The page's one sync runtime, started once storage is open, and the React
// hooks that read it. The runtime (and the sync engine with it) loads when
// started, after the first paint; the hooks read "disabled" until then.
import type { ChatStorageAdapter, SyncEngineStatus } from '@chatkeep/storage';
import { useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { DISABLED_STATUS } from './disabled-status.js';
import type { SyncRuntime } from './sync-runtime.js';
import { SYNC_SETTINGS_KEY, type SyncSettingsState, syncSettings } from './sync-settings.js';

let runtime: SyncRuntime | undefined;
let starting: Promise<SyncRuntime> | undefined;
const waiting = new Set<() => void>();
let markStarted: (started: SyncRuntime) => void = () => {};
/** Settles with the runtime once startSync has made it. */
const started = new Promise<SyncRuntime>((resolve) => {
  markStarted = resolve;
});

export function startSync(adapter: ChatStorageAdapter): Promise<SyncRuntime> {
  starting ??= import('./sync-runtime.js').then(({ createSyncRuntime }) => {
    runtime = createSyncRuntime({ adapter, settings: syncSettings });
    // Another tab signed in, out, or changed the server: follow it.
    globalThis.addEventListener?.('storage', (event: StorageEvent) => {
      if (event.key === SYNC_SETTINGS_KEY) void syncSettings.persist.rehydrate();
    });
    markStarted(runtime);
    for (const listener of [...waiting]) listener();
    return runtime;
  });
  return starting;
}

export function getSyncRuntime(): SyncRuntime | undefined {
  return runtime;
}

/** The runtime once the app has started it (after the first paint): for work that must not miss it. */
export function whenSyncStarted(): Promise<SyncRuntime> {
  // Once starting, its own promise: a failed start is heard too.
  return starting ?? started;
}

function subscribe(listener: () => void): () => void {
  let inner = runtime?.subscribe(listener);
  if (inner) return inner;
  // Storage is still opening: listen once the runtime exists.
  const onStart = () => {
    waiting.delete(onStart);
    inner = runtime?.subscribe(listener);
    listener();
  };
  waiting.add(onStart);
  return () => {
    waiting.delete(onStart);
    inner?.();
  };
}

export function useSyncStatus(): SyncEngineStatus {
  return useSyncExternalStore(
    subscribe,
    () => runtime?.getStatus() ?? DISABLED_STATUS,
    () => DISABLED_STATUS,
  );
}

export function useSyncSettings<T>(selector: (state: SyncSettingsState) => T): T {
  return useStore(syncSettings, selector);
}
