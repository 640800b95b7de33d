// A record's data as the server stores it with encryption on: AES-256-GCM of
// the record's JSON under the data key, a fresh random 96-bit IV per call,
// and the change's kind, id and projectId (as sent on the change) bound as
// additional data, so a ciphertext moved to another record fails to open.
import { ChatStorageError } from '../errors.js';
import { decodeBase64url, toBase64url } from './base64url.js';
import type { DataKey } from './data-key.js';
import { type EncryptedData, encryptedDataSchema } from './wire.js';

export interface RecordAddress {
  kind: string;
  id: string;
  projectId: string;
}

export type DecryptionFailure = 'malformed' | 'authentication-failed' | 'not-json';

/** A record that cannot be opened: tampered, moved between ids, or under another key. Quarantine it. */
export class RecordDecryptionError extends ChatStorageError {
  constructor(
    readonly address: RecordAddress,
    readonly failure: DecryptionFailure,
    message: string,
  ) {
    super('decrypt-failed', message);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** IVs drawn at a time: one getRandomValues call per record cost about 12 µs each in Chromium. */
const IVS_PER_DRAW = 256;
let ivPool = new Uint8Array(0);
let ivNext = 0;

/** A fresh random 96-bit IV: bytes of the pool never handed out before (each IV is a copy of its own). */
function freshIv(): Uint8Array<ArrayBuffer> {
  if (ivNext + 12 > ivPool.length) {
    ivPool = crypto.getRandomValues(new Uint8Array(12 * IVS_PER_DRAW));
    ivNext = 0;
  }
  const iv = ivPool.slice(ivNext, ivNext + 12);
  ivNext += 12;
  return iv;
}

/** Unambiguous for any strings: a JSON array. */
function additionalData({ kind, id, projectId }: RecordAddress): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(['chatkeep/record', 1, kind, id, projectId]));
}

export async function encryptRecord(
  key: DataKey,
  address: RecordAddress,
  value: unknown,
): Promise<EncryptedData> {
  const iv = freshIv();
  const plain = encoder.encode(JSON.stringify(value));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(address) },
    key.record,
    plain,
  );
  return { enc: 1, iv: toBase64url(iv), ct: toBase64url(new Uint8Array(ct)) };
}

/** The record inside `data`, or a RecordDecryptionError; never anything half-read. */
export async function decryptRecord(key: DataKey, address: RecordAddress, data: unknown): Promise<unknown> {
  const where = `${address.kind} ${JSON.stringify(address.id)}`;
  // The one check of the envelope (base64url included), then decoded as it is.
  const parsed = encryptedDataSchema.safeParse(data);
  const iv = parsed.success ? decodeBase64url(parsed.data.iv) : undefined;
  const ct = parsed.success ? decodeBase64url(parsed.data.ct) : undefined;
  if (!iv || !ct) {
    throw new RecordDecryptionError(
      address,
      'malformed',
      `The ${where} is not an encrypted record {enc: 1, iv, ct}.`,
    );
  }
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(address) },
      key.record,
      ct,
    );
  } catch {
    throw new RecordDecryptionError(
      address,
      'authentication-failed',
      `The ${where} does not authenticate: it was altered, belongs to another record, or was encrypted under another key.`,
    );
  }
  try {
    return JSON.parse(decoder.decode(plain));
  } catch {
    throw new RecordDecryptionError(
      address,
      'not-json',
      `The ${where} decrypted to something other than JSON.`,
    );
  }
}
