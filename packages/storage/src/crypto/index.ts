// @chatkeep/storage/crypto: end-to-end encryption of records and share links
// with WebCrypto, and the wire shapes the server checks.
export * from './base64url.js';
export * from './wire.js';
