import type { SyncEngineStatus } from '@chatkeep/storage';

/** What the app shows while sync is off, or before the sync runtime has loaded. */
export const DISABLED_STATUS: SyncEngineStatus = Object.freeze({
  state: 'disabled',
  lastSyncedAt: null,
  conflicts: 0,
  rejected: 0,
  leader: false,
});
