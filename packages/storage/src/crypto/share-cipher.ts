// A share link's snapshot: encrypted under a fresh random key of its own, so
// that the link (`<server>/s/<id>#<key>`, the key in the fragment, which
// browsers never send) opens this one snapshot and nothing else of the account.
import { ChatStorageError } from '../errors.js';
import { fromBase64url, toBase64url } from './base64url.js';
import { type ShareData, shareDataSchema } from './wire.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const SHARE_AAD = encoder.encode('chatkeep/share/v1');

/** `data` for POST /v1/shares, and the key (43 base64url characters) for the link's fragment. */
export async function encryptShare(value: unknown): Promise<{ data: ShareData; key: string }> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: SHARE_AAD },
    key,
    encoder.encode(JSON.stringify(value)),
  );
  const text = toBase64url(raw);
  raw.fill(0);
  return { data: { enc: 1, iv: toBase64url(iv), ct: toBase64url(new Uint8Array(ct)) }, key: text };
}

/** The snapshot, or ChatStorageError 'decrypt-failed' when the link is damaged or the data altered. */
export async function decryptShare(data: unknown, keyText: string): Promise<unknown> {
  const raw = fromBase64url(keyText);
  const parsed = shareDataSchema.safeParse(data);
  const iv = parsed.success ? fromBase64url(parsed.data.iv) : undefined;
  const ct = parsed.success ? fromBase64url(parsed.data.ct) : undefined;
  if (raw?.length !== 32) {
    throw new ChatStorageError(
      'decrypt-failed',
      'The link is incomplete: the part after # is not a share key. Copy the whole link again.',
    );
  }
  if (!iv || !ct)
    throw new ChatStorageError('decrypt-failed', 'The shared conversation is not in the expected form.');
  try {
    const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: SHARE_AAD }, key, ct);
    return JSON.parse(decoder.decode(plain));
  } catch {
    throw new ChatStorageError(
      'decrypt-failed',
      'The shared conversation cannot be opened with this link: the link is damaged or the data was altered.',
    );
  }
}
