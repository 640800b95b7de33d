export { type BackfillProgress, describeBackfill } from './backfill.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  EncryptionLockedError,
  type EncryptionState,
  type PreparedEncryption,
  type UnlockSecret,
} from './encryption.js';
export {
  createSyncEngine,
  type EncryptionControls,
  type SyncEngine,
  type SyncEngineAdapter,
  type SyncEngineOptions,
} from './engine.js';
export { defaultEnvironment, type SyncEnvironment } from './environment.js';
export {
  type AuthResponse,
  type ConversationsResponse,
  createSyncClient,
  type MessagesResponse,
  type PullResponse,
  type PushResponse,
  type PushResult,
  parseRetryAfter,
  type SyncClient,
  type SyncClientOptions,
  SyncRequestError,
} from './http.js';
export { indexedDbKeyStore, type KeyStore, memoryKeyStore, type RememberedKey } from './key-store.js';
export { electLeader, type Leadership, type LockManagerLike } from './leader.js';
export type { RejectedChange } from './push.js';
export { type QuarantinedRecord, RecordSeal } from './record-seal.js';
export { describeRefusal, formatBytes } from './refusals.js';
export {
  describeSyncStatus,
  LOCKED_STATUS,
  type StatusListener,
  type SyncEngineStatus,
  type SyncPhase,
  type SyncState,
} from './status.js';
export { type SyncTimers, systemTimers } from './timers.js';
