// @chatkeep/storage/crypto: end-to-end encryption of records with WebCrypto
// (no hand-written cipher), and the wire shapes the server checks.
export * from './base64url.js';
export { type DataKey, restoreDataKey } from './data-key.js';
export {
  type CreatedKeys,
  changePassphrase,
  createKeyMaterial,
  DEFAULT_PBKDF2_ITERATIONS,
  PBKDF2_SHA256,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
} from './key-material.js';
export { opaqueProjectId } from './opaque-ids.js';
export {
  type DecryptionFailure,
  decryptRecord,
  encryptRecord,
  type RecordAddress,
  RecordDecryptionError,
} from './record-cipher.js';
export { generateRecoveryKey, parseRecoveryKey } from './recovery-key.js';
export { decryptShare, encryptShare } from './share-cipher.js';
export * from './wire.js';
