// The public shape of the sync engine: its options and its methods.
import type {
  ChatStorageAdapter,
  RecordKind,
  RefusedRecord,
  StorageChange,
  SyncConflict,
  SyncSource,
} from '../types.js';
import type { BackfillOptions } from './backfill.js';
import type { BackoffOptions } from './backoff.js';
import type { SyncEncryption } from './encryption.js';
import type { SyncEnvironment } from './environment.js';
import type { SyncClient } from './http.js';
import type { KeyStore } from './key-store.js';
import type { ElectionOptions, LockManagerLike } from './leader.js';
import type { LiveOptions } from './live.js';
import type { RejectedChange } from './push.js';
import type { StatusListener, SyncEngineStatus } from './status.js';
import type { SyncTimers } from './timers.js';

/** What the engine needs from storage: the sync bookkeeping and the change feed. */
export type SyncEngineAdapter = SyncSource & {
  subscribe(listener: (change: StorageChange) => void): () => void;
  /** Reads back changed messages, to tell an answer still streaming (paced pushes) from a finished one. */
  getMessagesByIds?: ChatStorageAdapter['getMessagesByIds'];
  /** The projects this device knows, to tell which project a deleted record of an encrypted account was in. */
  listProjects?: ChatStorageAdapter['listProjects'];
};

export interface SyncEngineOptions {
  adapter: SyncEngineAdapter;
  /** e.g. https://sync.example.com (the API lives under /v1). */
  serverUrl: string;
  /** Bearer token from login/signup; without one the engine waits in `signed-out`. */
  token?: string | null;
  /** The account the token belongs to; a different one in setToken resets the sync state. */
  userId?: string;
  fetch?: typeof fetch;
  timers?: Partial<SyncTimers>;
  environment?: SyncEnvironment;
  /** `navigator.locks` by default; null to use the BroadcastChannel election. */
  locks?: LockManagerLike | null;
  election?: Pick<ElectionOptions, 'heartbeatMs' | 'peerTimeoutMs' | 'settleMs'>;
  /**
   * Quiet time after a local change before pushing (default 0: a finished
   * message, a rename or a delete is pushed at once).
   */
  debounceMs?: number;
  /** While an answer streams, its chunks are pushed at most this often (default 1 s). */
  streamingPushMs?: number;
  /**
   * The live event stream of a protocol 1.1 server (default on): pulls when
   * another device changes something. `false` syncs only on the triggers
   * above and the interval, as against a protocol 1 server.
   */
  live?: boolean | LiveOptions;
  /** Periodic sync while the page is visible and no live stream is open (default 30 s; with one, 5 min). */
  intervalMs?: number;
  backoff?: BackoffOptions;
  /** Changes per push request (default 500). */
  batchSize?: number;
  /** Bytes of changes per push request (default 15 MiB, under the server's 16 MiB body limit). */
  maxBatchBytes?: number;
  /** Changes per pull page (default 1000, the server maximum). */
  pullLimit?: number;
  requestTimeoutMs?: number;
  /**
   * Where "remember on this device" keeps an unlocked encryption key (default:
   * IndexedDB database `chatkeep-keys`; in memory where IndexedDB is missing).
   */
  keyStore?: KeyStore;
  /**
   * A fresh device's history download: messages per request, messages in
   * the first page of a conversation someone waits for, records per
   * transaction, conversations per request, requests in flight at once, and
   * conversations per page of the first list (default: the server's).
   */
  backfill?: Pick<
    BackfillOptions,
    'pageLimit' | 'latestPageLimit' | 'batchSize' | 'conversationsPerRequest' | 'requestsInFlight'
  > & {
    listLimit?: number;
  };
}

/**
 * End-to-end encryption of the signed-in account (sync/encryption.ts):
 * turning it on (`prepare`, then `turnOn` on what it returns), unlocking this
 * device, changing the passphrase, turning it off, and the records kept out
 * because they did not decrypt or authenticate (stored, listed in any tab,
 * dismissed by the user).
 */
export type EncryptionControls = Pick<
  SyncEncryption,
  'state' | 'prepare' | 'unlock' | 'changePassphrase' | 'turnOff' | 'listQuarantined' | 'dismissQuarantined'
>;

export interface SyncEngine {
  /** Starts syncing (idempotent). */
  start(): void;
  /** Stops syncing; local data stays. Waits for a running sync to finish. */
  stop(): Promise<void>;
  /** Syncs now (or asks the leading tab to) and resolves with the resulting status. */
  syncNow(): Promise<SyncEngineStatus>;
  /** A new sign-in, or null to sign out. A different `userId` than before resets the sync state. */
  setToken(token: string | null, opts?: { userId?: string }): Promise<void>;
  getStatus(): SyncEngineStatus;
  subscribe(listener: StatusListener): () => void;
  /** The wire client, for sign-in screens (signup/login/logout/health). */
  readonly client: SyncClient;
  readonly encryption: EncryptionControls;
  listConflicts(): Promise<SyncConflict[]>;
  restoreConflict(conflictId: string): Promise<void>;
  dismissConflict(conflictId: string): Promise<void>;
  /**
   * Downloads this conversation's messages ahead of the rest of a fresh
   * device's history (the open one, the one just clicked); resolves once they
   * are on this device, at once when they already are.
   */
  prioritize(conversationId: string): Promise<void>;
  /** Changes the server refused during this session, newest first. */
  getRejected(): RejectedChange[];
  /**
   * Every record the server refused at its current stamp (kept across
   * reloads) and every record kept on this device only, with what it is;
   * `describeRefusal` words the reason. Refused records are never sent again
   * by themselves: the user edits them, keeps them here, or retries.
   */
  listRefused(): Promise<RefusedRecord[]>;
  /** Keeps a refused record on this device only: never pushed again, also after later edits. */
  keepLocalOnly(kind: RecordKind, id: string): Promise<void>;
  /** Sends a refused (or device-only) record again, now. */
  retryRefused(kind: RecordKind, id: string): Promise<SyncEngineStatus>;
}
