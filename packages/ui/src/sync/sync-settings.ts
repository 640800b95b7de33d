// Cloud sync settings of this browser: on/off, which server, and the signed-in
// account. Kept in localStorage under `chatkeep-sync` (the token is a secret of
// this browser; it never goes into the conversation store). Framework-free:
// React reads it through zustand's useStore.
import { createJSONStorage, persist } from 'zustand/middleware';
import { createStore } from 'zustand/vanilla';

export const SYNC_SETTINGS_KEY = 'chatkeep-sync';

export interface SyncAccount {
  username: string;
  userId: string;
  token: string;
}

export interface SyncSettingsState {
  enabled: boolean;
  /** The sync server's address; the app's own origin unless changed. */
  serverUrl: string;
  /** The signed-in account, or null when signed out. */
  account: SyncAccount | null;
  /** The last username used here, to prefill the sign-in form. */
  lastUsername: string;
  /** The server stopped accepting the token: sign in again. */
  expired: boolean;
  /** accountKey() of the account this device last finished a sync with. */
  syncedAccount: string | null;
  /** When this device last finished a sync (ms), shown until the next one. */
  lastSyncedAt: number | null;
  setEnabled(enabled: boolean): void;
  /** A different server means a different account: it signs out. */
  setServerUrl(serverUrl: string): void;
  signedIn(account: SyncAccount): void;
  signedOut(): void;
  markExpired(): void;
  syncFinished(account: string, at: number): void;
  /** Forgets everything about sync except the server address (used by "Clear all conversations"). */
  reset(): void;
}

/** Where the app was served from: the sync server serves the app too. */
export function defaultServerUrl(): string {
  const origin = globalThis.location?.origin;
  return origin && /^https?:/.test(origin) ? origin : 'http://127.0.0.1:8787';
}

/**
 * Who the local sync bookkeeping belongs to: the engine resets it (pushes
 * everything, pulls from the start) when this changes.
 */
export function accountKey(serverUrl: string, userId: string): string {
  return `${normaliseServerUrl(serverUrl)}#${userId}`;
}

export function normaliseServerUrl(serverUrl: string): string {
  return serverUrl.trim().replace(/\/+$/, '');
}

/** A message saying what to fix, or undefined when the address is usable. */
export function serverUrlProblem(serverUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(serverUrl.trim());
  } catch {
    return 'Enter the sync server’s address, such as https://sync.example.com.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'The sync server’s address must start with http:// or https://.';
  }
  return undefined;
}

export function createSyncSettings(storage: () => Storage = () => localStorage) {
  return createStore<SyncSettingsState>()(
    persist(
      (set, get) => ({
        enabled: false,
        serverUrl: defaultServerUrl(),
        account: null,
        lastUsername: '',
        expired: false,
        syncedAccount: null,
        lastSyncedAt: null,
        setEnabled: (enabled) => set({ enabled }),
        setServerUrl: (serverUrl) => {
          const next = normaliseServerUrl(serverUrl);
          if (next === get().serverUrl) return;
          set({ serverUrl: next, account: null, expired: false });
        },
        signedIn: (account) => set({ account, lastUsername: account.username, expired: false }),
        signedOut: () => set({ account: null, expired: false }),
        markExpired: () => set({ account: null, expired: true }),
        syncFinished: (syncedAccount, lastSyncedAt) => set({ syncedAccount, lastSyncedAt }),
        reset: () =>
          set({ enabled: false, account: null, expired: false, syncedAccount: null, lastSyncedAt: null }),
      }),
      {
        name: SYNC_SETTINGS_KEY,
        storage: createJSONStorage(storage),
        partialize: (s) => ({
          enabled: s.enabled,
          serverUrl: s.serverUrl,
          account: s.account,
          lastUsername: s.lastUsername,
          expired: s.expired,
          syncedAccount: s.syncedAccount,
          lastSyncedAt: s.lastSyncedAt,
        }),
      },
    ),
  );
}

export type SyncSettingsStore = ReturnType<typeof createSyncSettings>;

/** This page's sync settings. */
export const syncSettings: SyncSettingsStore = createSyncSettings();
