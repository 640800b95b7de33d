// The recovery key: 256 random bits a person writes down once. Written in
// Crockford's base32 (no I, L, O or U, so nothing reads as another
// character) in groups of four, with a 24-bit checksum, so that a typo is told
// apart from a wrong key. Reading it back ignores spaces, dashes and case and
// takes O for 0 and I or L for 1.
import { ChatStorageError } from '../errors.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const KEY_BYTES = 32;
const CHECK_BYTES = 3;
/** (32 + 3) bytes are 280 bits: exactly 56 characters, 14 groups of 4. */
const TEXT_CHARS = ((KEY_BYTES + CHECK_BYTES) * 8) / 5;

function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function decodeBase32(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of text) {
    value = ((value << 5) | ALPHABET.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes[at++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return bytes;
}

async function checksum(key: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', key)).subarray(0, CHECK_BYTES);
}

/** A fresh recovery key: its 32 bytes and the text to show once. */
export async function generateRecoveryKey(): Promise<{ bytes: Uint8Array<ArrayBuffer>; text: string }> {
  const bytes = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const full = new Uint8Array(KEY_BYTES + CHECK_BYTES);
  full.set(bytes);
  full.set(await checksum(bytes), KEY_BYTES);
  const text = encodeBase32(full).match(/.{4}/g)!.join('-');
  return { bytes, text };
}

/** The 32 bytes of a recovery key as typed; a ChatStorageError 'invalid-recovery-key' saying what is off. */
export async function parseRecoveryKey(typed: string): Promise<Uint8Array<ArrayBuffer>> {
  const text = typed
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  const stray = [...text].find((char) => !ALPHABET.includes(char));
  if (stray !== undefined) {
    throw new ChatStorageError(
      'invalid-recovery-key',
      `A recovery key holds only digits and the letters A-Z except U (found ${JSON.stringify(stray)}); check what you typed.`,
    );
  }
  if (text.length !== TEXT_CHARS) {
    throw new ChatStorageError(
      'invalid-recovery-key',
      `A recovery key has ${TEXT_CHARS} characters (14 groups of 4); this one has ${text.length}. Check for a missing or extra group.`,
    );
  }
  const full = decodeBase32(text);
  const bytes = full.slice(0, KEY_BYTES);
  const expected = await checksum(bytes);
  if (expected.some((byte, i) => byte !== full[KEY_BYTES + i])) {
    throw new ChatStorageError(
      'invalid-recovery-key',
      'This recovery key has a typo (its checksum does not match); compare it character by character with the one you wrote down.',
    );
  }
  return bytes;
}
