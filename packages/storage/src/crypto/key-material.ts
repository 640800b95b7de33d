// Setting up and unlocking an account's keys. The data key is wrapped
// (AES-256-GCM, a fresh IV each time) by a key derived from the passphrase
// with PBKDF2-SHA256, and separately by the recovery key. The KDF's name,
// salt and parameters are stored with the wrapped keys, so the work factor
// can be raised later by wrapping again. The passphrase never leaves here.
import { ChatStorageError } from '../errors.js';
import { fromBase64url, toBase64url } from './base64url.js';
import { type DataKey, generateDataKeyBytes, importDataKey } from './data-key.js';
import { generateRecoveryKey, parseRecoveryKey } from './recovery-key.js';
import { type KeyMaterial, keyMaterialSchema } from './wire.js';

export const PBKDF2_SHA256 = 'PBKDF2-SHA256';
/**
 * About 0.3 s on a quiet core of 2026 (0.13 s took 600,000, OWASP's minimum for
 * PBKDF2-HMAC-SHA256): slow for someone guessing, bearable once per device.
 * Raise it as machines get faster; keys made before keep their own count.
 */
export const DEFAULT_PBKDF2_ITERATIONS = 1_500_000;
const SALT_BYTES = 16;
const IV_BYTES = 12;

const encoder = new TextEncoder();
/** Binds a wrapped key to its purpose: one cannot stand in for the other. */
const wrapLabel = (by: 'passphrase' | 'recovery') => encoder.encode(`chatkeep/data-key/v1/${by}`);

function passphraseBytes(passphrase: string): Uint8Array<ArrayBuffer> {
  if (passphrase.length === 0) {
    throw new ChatStorageError(
      'invalid-input',
      'The passphrase is empty; type the passphrase of this account.',
    );
  }
  // The same passphrase typed on two keyboards must give the same key.
  return encoder.encode(passphrase.normalize('NFC'));
}

async function passphraseKey(passphrase: string, kdf: KeyMaterial['kdf']): Promise<CryptoKey> {
  const iterations = kdf.params.iterations;
  const salt = fromBase64url(kdf.salt);
  if (kdf.name !== PBKDF2_SHA256 || iterations === undefined || !salt) {
    throw new ChatStorageError(
      'invalid-key-material',
      `These keys use the key derivation ${JSON.stringify(kdf.name)}, which this version of Chatkeep cannot use; update Chatkeep.`,
    );
  }
  const material = await crypto.subtle.importKey('raw', passphraseBytes(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function recoveryWrappingKey(bytes: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

async function wrap(
  dataKey: Uint8Array<ArrayBuffer>,
  by: CryptoKey,
  label: 'passphrase' | 'recovery',
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: wrapLabel(label) }, by, dataKey),
  );
  const out = new Uint8Array(IV_BYTES + ct.length);
  out.set(iv);
  out.set(ct, IV_BYTES);
  return toBase64url(out);
}

/** The data key's bytes, or undefined when `by` is not the key it was wrapped with. */
async function unwrap(
  wrapped: string,
  by: CryptoKey,
  label: 'passphrase' | 'recovery',
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const bytes = fromBase64url(wrapped);
  if (!bytes || bytes.length <= IV_BYTES) return undefined;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: wrapLabel(label) },
      by,
      bytes.subarray(IV_BYTES),
    );
    return new Uint8Array(plain);
  } catch {
    return undefined;
  }
}

function checkedMaterial(material: unknown): KeyMaterial {
  const parsed = keyMaterialSchema.safeParse(material);
  if (!parsed.success) {
    throw new ChatStorageError(
      'invalid-key-material',
      'The account keys on the server are damaged or from a newer version of Chatkeep; unlock with the recovery key on a device that has them, or update Chatkeep.',
    );
  }
  return parsed.data;
}

/** Throws unless this is the account's data key (the wrapped copies could have been swapped). */
function checkKey(dataKey: DataKey, material: KeyMaterial): void {
  if (dataKey.check !== material.keyCheck) {
    throw new ChatStorageError(
      'invalid-key-material',
      'The account keys do not match their key check: they were altered. Unlock with the recovery key, or set encryption up again from a device that has the data.',
    );
  }
}

/** Opens the data key from its bytes (zeroed afterwards) and checks it. */
async function opened(bytes: Uint8Array<ArrayBuffer>, material: KeyMaterial): Promise<DataKey> {
  try {
    const dataKey = await importDataKey(bytes);
    checkKey(dataKey, material);
    return dataKey;
  } finally {
    bytes.fill(0);
  }
}

function kdfParams(iterations: number) {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new ChatStorageError('invalid-input', `iterations must be a positive integer (got ${iterations}).`);
  }
  return {
    name: PBKDF2_SHA256,
    salt: toBase64url(crypto.getRandomValues(new Uint8Array(SALT_BYTES))),
    params: { iterations },
  };
}

export interface CreatedKeys {
  /** What PUT /v1/account/keys stores. */
  material: KeyMaterial;
  /** Shown once for the user to write down; never stored. */
  recoveryKey: string;
  dataKey: DataKey;
}

/** A new data key, wrapped under the passphrase and under a new recovery key. */
export async function createKeyMaterial(
  passphrase: string,
  { iterations = DEFAULT_PBKDF2_ITERATIONS }: { iterations?: number } = {},
): Promise<CreatedKeys> {
  passphraseBytes(passphrase);
  const kdf = kdfParams(iterations);
  const bytes = generateDataKeyBytes();
  const recovery = await generateRecoveryKey();
  try {
    const dataKey = await importDataKey(bytes);
    const material: KeyMaterial = {
      format: 1,
      kdf,
      passphraseWrapped: await wrap(bytes, await passphraseKey(passphrase, kdf), 'passphrase'),
      recoveryWrapped: await wrap(bytes, await recoveryWrappingKey(recovery.bytes), 'recovery'),
      keyCheck: dataKey.check,
    };
    return { material, recoveryKey: recovery.text, dataKey };
  } finally {
    bytes.fill(0);
    recovery.bytes.fill(0);
  }
}

async function dataKeyBytes(
  material: KeyMaterial,
  unlock: { passphrase: string } | { recoveryKey: string },
): Promise<Uint8Array<ArrayBuffer>> {
  if ('passphrase' in unlock) {
    const bytes = await unwrap(
      material.passphraseWrapped,
      await passphraseKey(unlock.passphrase, material.kdf),
      'passphrase',
    );
    if (!bytes) {
      throw new ChatStorageError(
        'wrong-passphrase',
        'This passphrase does not unlock the account; try again, or use the recovery key.',
      );
    }
    return bytes;
  }
  const recovery = await parseRecoveryKey(unlock.recoveryKey);
  const bytes = await unwrap(material.recoveryWrapped, await recoveryWrappingKey(recovery), 'recovery');
  recovery.fill(0);
  if (!bytes) {
    throw new ChatStorageError(
      'wrong-recovery-key',
      'This recovery key belongs to another account or an earlier set-up; it does not unlock this one.',
    );
  }
  return bytes;
}

/** The data key, unlocked by the passphrase ('wrong-passphrase' when it does not fit). */
export async function unlockWithPassphrase(material: unknown, passphrase: string): Promise<DataKey> {
  const checked = checkedMaterial(material);
  return opened(await dataKeyBytes(checked, { passphrase }), checked);
}

/** The data key, unlocked by the recovery key as typed ('invalid-recovery-key' for a typo, 'wrong-recovery-key'). */
export async function unlockWithRecoveryKey(material: unknown, recoveryKey: string): Promise<DataKey> {
  const checked = checkedMaterial(material);
  return opened(await dataKeyBytes(checked, { recoveryKey }), checked);
}

/**
 * Key material for a new passphrase (or more iterations), unlocked by the
 * current passphrase or the recovery key. Only the passphrase's copy of the
 * data key is wrapped again: no record is encrypted again and the recovery
 * key keeps working.
 */
export async function changePassphrase(
  material: unknown,
  unlock: { passphrase: string } | { recoveryKey: string },
  newPassphrase: string,
  { iterations = DEFAULT_PBKDF2_ITERATIONS }: { iterations?: number } = {},
): Promise<KeyMaterial> {
  passphraseBytes(newPassphrase);
  const kdf = kdfParams(iterations);
  const checked = checkedMaterial(material);
  const bytes = await dataKeyBytes(checked, unlock);
  try {
    checkKey(await importDataKey(bytes), checked);
    const passphraseWrapped = await wrap(bytes, await passphraseKey(newPassphrase, kdf), 'passphrase');
    return { ...checked, kdf, passphraseWrapped };
  } finally {
    bytes.fill(0);
  }
}
