export type ChatStorageErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'quota-exceeded'
  | 'unavailable'
  // Another tab holds the database open at an older version (StorageBlockedError).
  | 'blocked'
  | 'closed'
  | 'migration-failed'
  | 'import-failed'
  // Sync requests (see sync/http.ts): what went wrong talking to the server.
  | 'network-error'
  | 'unauthorized'
  | 'rate-limited'
  | 'server-error'
  | 'request-refused'
  | 'bad-response'
  // End-to-end encryption (see crypto/): a key that does not open the data,
  // a recovery key with a typo, key material this version cannot use, a
  // record that fails to decrypt or authenticate (RecordDecryptionError).
  | 'wrong-passphrase'
  | 'wrong-recovery-key'
  | 'invalid-recovery-key'
  | 'invalid-key-material'
  | 'decrypt-failed'
  // Share links (see share/): a snapshot over the size limit, a link its owner withdrew.
  | 'share-too-large'
  | 'share-withdrawn'
  // The account is end-to-end encrypted and this device has not unlocked it
  // (sync/encryption.ts): syncing waits for the passphrase or recovery key.
  | 'encryption-locked';

/** Every failure the storage package reports: `code` for programs, `message` for people. */
export class ChatStorageError extends Error {
  override readonly name = 'ChatStorageError';
  constructor(
    readonly code: ChatStorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Another tab (usually an older version of the app) keeps the IndexedDB
 * database open and will not let this one upgrade it. Storage is never
 * switched to localStorage for this: the history would end up in two places.
 * `unblocked` settles once the other tabs let go; then open storage again
 * (opening again while still blocked waits briefly and rejects the same way).
 */
export class StorageBlockedError extends ChatStorageError {
  constructor(
    message: string,
    readonly unblocked: Promise<void>,
  ) {
    super('blocked', message);
  }
}

/** True for the browser's "disk full" errors, whatever the engine calls them. */
export function isQuotaError(error: unknown): boolean {
  if (error instanceof ChatStorageError) return error.code === 'quota-exceeded';
  if (!error || typeof error !== 'object') return false;
  const { name, code } = error as { name?: string; code?: number };
  return (
    name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014
  );
}

export function quotaExceeded(cause: unknown): ChatStorageError {
  return new ChatStorageError(
    'quota-exceeded',
    'Browser storage is full, so the last change was not saved. Free space by exporting and deleting old conversations, or allow this site more storage.',
    { cause },
  );
}
