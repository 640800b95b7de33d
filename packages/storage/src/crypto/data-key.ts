// The account's data key. Its 256 random bits are seen only when it is made
// or unwrapped; from then on it is a non-extractable HKDF key (which a device
// may keep in IndexedDB to stay unlocked), and every use has a subkey of its
// own: records, opaque project ids and the key check value.
import { toBase64url } from './base64url.js';

export const DATA_KEY_BYTES = 32;

export interface DataKey {
  /** Non-extractable; what a device stores to stay unlocked (restoreDataKey turns it back into this). */
  readonly base: CryptoKey;
  /** AES-256-GCM for records. */
  readonly record: CryptoKey;
  /** HMAC-SHA256 for opaque project ids. */
  readonly projectIds: CryptoKey;
  /** Tells this data key from another without revealing it (stored with the key material). */
  readonly check: string;
}

const encoder = new TextEncoder();
const hkdf = (info: string) => ({
  name: 'HKDF',
  hash: 'SHA-256',
  salt: new Uint8Array(0),
  info: encoder.encode(`chatkeep/${info}`),
});

/** 256 fresh random bits. */
export function generateDataKeyBytes(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES));
}

/** The data key from its bytes (which the caller should then drop). */
export async function importDataKey(bytes: Uint8Array<ArrayBuffer>): Promise<DataKey> {
  const base = await crypto.subtle.importKey('raw', bytes, 'HKDF', false, ['deriveKey', 'deriveBits']);
  return restoreDataKey(base);
}

/** The data key from its stored non-extractable base key. */
export async function restoreDataKey(base: CryptoKey): Promise<DataKey> {
  const [record, projectIds, checkBits] = await Promise.all([
    crypto.subtle.deriveKey(hkdf('record/v1'), base, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]),
    crypto.subtle.deriveKey(
      hkdf('project-id/v1'),
      base,
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      false,
      ['sign'],
    ),
    crypto.subtle.deriveBits(hkdf('key-check/v1'), base, 128),
  ]);
  return { base, record, projectIds, check: toBase64url(new Uint8Array(checkBits)) };
}
