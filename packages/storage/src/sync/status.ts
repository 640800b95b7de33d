// The engine's status as one immutable snapshot with subscribe/getStatus,
// the pair React's useSyncExternalStore expects: the snapshot object only
// changes when something in it changed.
import type { BackfillProgress } from './backfill.js';
import type { EncryptionState } from './encryption.js';

/** What the engine is doing now. */
export type SyncPhase =
  /** Sync is off (never started, or stopped): local data stays as it is. */
  | { state: 'disabled' }
  /** No token, or the server refused it: waiting for a new one. */
  | { state: 'signed-out' }
  | { state: 'syncing' }
  /** Everything local is on the server and the last pull is applied. */
  | { state: 'synced' }
  /** Local changes wait to be pushed. */
  | { state: 'pending'; count: number }
  /** The server cannot be reached; `retryAt` is the next attempt. */
  | { state: 'offline'; pending: number; retryAt: number | null }
  | { state: 'error'; message: string; pending: number; retryAt: number | null }
  /**
   * The account is end-to-end encrypted and this device has no key: syncing
   * waits for the passphrase or the recovery key (engine.encryption.unlock).
   */
  | { state: 'locked'; pending: number };

export type SyncState = SyncPhase['state'];

export type SyncEngineStatus = SyncPhase & {
  /** When the last sync finished without error (ms since epoch). */
  lastSyncedAt: number | null;
  /** Losing local versions kept for the user (see listConflicts). */
  conflicts: number;
  /** Records the server refused at their current stamp, kept across reloads (see listRefused). */
  rejected: number;
  /** Whether this tab is the one that talks to the server. */
  leader: boolean;
  /** A fresh device's history download under way (see describeBackfill), else null. */
  backfill?: BackfillProgress | null;
  /** End-to-end encryption on this device: unknown until the account's keys were read. */
  encryption?: EncryptionState;
  /** Pulled records kept out because they did not decrypt or authenticate (see encryption.listQuarantined). */
  quarantined?: number;
  /**
   * Whether the syncing tab holds the server's live event stream: other
   * devices' changes arrive as they happen. False: it checks periodically
   * (a v1 server, or the stream is reconnecting).
   */
  live?: boolean;
};

export type StatusListener = (status: SyncEngineStatus) => void;

export class StatusStore {
  private status: SyncEngineStatus;
  private readonly listeners = new Set<StatusListener>();

  constructor(initial: SyncEngineStatus) {
    this.status = initial;
  }

  get(): SyncEngineStatus {
    return this.status;
  }

  /** Merges `next` into the snapshot; listeners hear only real changes. */
  update(next: Partial<Omit<SyncEngineStatus, 'state'>> & { phase?: SyncPhase }): void {
    const { phase, ...rest } = next;
    const base = { ...this.status, ...rest };
    const candidate = (
      phase
        ? {
            ...phase,
            lastSyncedAt: base.lastSyncedAt,
            conflicts: base.conflicts,
            rejected: base.rejected,
            leader: base.leader,
            backfill: base.backfill,
            encryption: base.encryption,
            quarantined: base.quarantined,
            live: base.live,
          }
        : base
    ) as SyncEngineStatus;
    if (sameStatus(candidate, this.status)) return;
    this.status = Object.freeze(candidate);
    for (const listener of [...this.listeners]) listener(this.status);
  }

  /** Replaces the whole snapshot (a follower mirroring the leader). */
  replace(status: SyncEngineStatus): void {
    if (sameStatus(status, this.status)) return;
    this.status = Object.freeze({ ...status });
    for (const listener of [...this.listeners]) listener(this.status);
  }

  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

function sameStatus(a: SyncEngineStatus, b: SyncEngineStatus): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
  }
  return true;
}

/** What a device that has not unlocked an encrypted account says. */
export const LOCKED_STATUS = 'This account is encrypted: enter your passphrase to keep syncing';

/** A short line for people, e.g. for the "Sync status" element. */
export function describeSyncStatus(status: SyncEngineStatus): string {
  switch (status.state) {
    case 'disabled':
      return 'Sync is off';
    case 'signed-out':
      return 'Signed out of sync';
    case 'syncing':
      return 'Syncing…';
    case 'synced':
      return 'Synced';
    case 'pending':
      return `${status.count} change${status.count === 1 ? '' : 's'} waiting to sync`;
    case 'offline':
      return status.pending > 0
        ? `Offline: ${status.pending} change${status.pending === 1 ? '' : 's'} saved on this device`
        : 'Offline';
    case 'error':
      return `Sync error: ${status.message}`;
    case 'locked':
      return LOCKED_STATUS;
  }
}
