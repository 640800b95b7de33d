import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from './base64url.js';
import { type DataKey, generateDataKeyBytes, importDataKey, restoreDataKey } from './data-key.js';
import { opaqueProjectId } from './opaque-ids.js';
import { decryptRecord, encryptRecord, RecordDecryptionError } from './record-cipher.js';
import { encryptedDataSchema } from './wire.js';

const newKey = () => importDataKey(generateDataKeyBytes());
const address = { kind: 'message', id: 'm1', projectId: 'p1' };
const record = { id: 'm1', role: 'user', content: 'my blood test results 🩸', tags: ['health'] };

/** Flips one bit of a base64url field. */
function flip(text: string, at = 0): string {
  const bytes = fromBase64url(text)!;
  bytes[at]! ^= 1;
  return toBase64url(bytes);
}

async function failure(key: DataKey, where: typeof address, data: unknown) {
  try {
    await decryptRecord(key, where, data);
  } catch (error) {
    expect(error).toBeInstanceOf(RecordDecryptionError);
    return (error as RecordDecryptionError).failure;
  }
  throw new Error('decrypted what it should not');
}

describe('record encryption', () => {
  it('round-trips a record as {enc: 1, iv, ct} that holds none of its text', async () => {
    const key = await newKey();
    const sealed = await encryptRecord(key, address, record);
    expect(encryptedDataSchema.parse(sealed)).toEqual(sealed);
    expect(fromBase64url(sealed.iv)!.length).toBe(12);
    expect(JSON.stringify(sealed)).not.toMatch(/blood test|health/);
    expect(await decryptRecord(key, address, sealed)).toEqual(record);
  });

  it('every call takes a fresh IV: the same record encrypts differently', async () => {
    const key = await newKey();
    const ivs = new Set<string>();
    // More than one draw of random IVs (256 at a time), at once as a page is sealed.
    const sealed = await Promise.all(Array.from({ length: 600 }, () => encryptRecord(key, address, record)));
    for (const { iv } of sealed) {
      expect(fromBase64url(iv)!.length).toBe(12);
      ivs.add(iv);
    }
    expect(ivs.size).toBe(600);
    await Promise.all(sealed.map(async (s) => expect(await decryptRecord(key, address, s)).toEqual(record)));
  });

  it('a flipped bit in the iv or the ciphertext (body or tag) is detected', async () => {
    const key = await newKey();
    const sealed = await encryptRecord(key, address, record);
    const ctBytes = fromBase64url(sealed.ct)!.length;
    expect(await failure(key, address, { ...sealed, iv: flip(sealed.iv) })).toBe('authentication-failed');
    expect(await failure(key, address, { ...sealed, ct: flip(sealed.ct) })).toBe('authentication-failed');
    expect(await failure(key, address, { ...sealed, ct: flip(sealed.ct, ctBytes - 1) })).toBe(
      'authentication-failed',
    );
  });

  it('the kind, id and projectId are bound: a ciphertext moved to another record does not open', async () => {
    const key = await newKey();
    const sealed = await encryptRecord(key, address, record);
    for (const moved of [
      { ...address, id: 'm2' },
      { ...address, kind: 'conversation' },
      { ...address, projectId: 'p2' },
    ]) {
      expect(await failure(key, moved, sealed)).toBe('authentication-failed');
    }
  });

  it('two records whose ciphertexts were swapped on the server both fail', async () => {
    const key = await newKey();
    const a = { ...address, id: 'a' };
    const b = { ...address, id: 'b' };
    const sealedA = await encryptRecord(key, a, { text: 'A' });
    const sealedB = await encryptRecord(key, b, { text: 'B' });
    expect(await failure(key, a, sealedB)).toBe('authentication-failed');
    expect(await failure(key, b, sealedA)).toBe('authentication-failed');
  });

  it('another data key opens nothing', async () => {
    const sealed = await encryptRecord(await newKey(), address, record);
    expect(await failure(await newKey(), address, sealed)).toBe('authentication-failed');
  });

  it('malformed data is a typed error, never a crash', async () => {
    const key = await newKey();
    for (const data of [
      null,
      'text',
      { enc: 2, iv: 'x', ct: 'y' },
      { title: 'plain' },
      { enc: 1, iv: '!', ct: '?' },
    ]) {
      expect(await failure(key, address, data)).toBe('malformed');
    }
  });

  it('a key restored from its stored base key opens what the original sealed', async () => {
    const key = await newKey();
    expect(key.base.extractable).toBe(false);
    const restored = await restoreDataKey(key.base);
    expect(restored.check).toBe(key.check);
    expect(await decryptRecord(restored, address, await encryptRecord(key, address, record))).toEqual(record);
  });
});

describe('opaque project ids', () => {
  it('are stable for one key, distinct per project and per key, and reveal nothing of the name', async () => {
    const key = await newKey();
    const work = await opaqueProjectId(key, 'Work: acquisition of Contoso');
    expect(work).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await opaqueProjectId(await restoreDataKey(key.base), 'Work: acquisition of Contoso')).toBe(work);
    expect(await opaqueProjectId(key, 'Work: acquisition of Contoso ')).not.toBe(work);
    expect(await opaqueProjectId(key, 'default')).not.toBe(work);
    expect(await opaqueProjectId(await newKey(), 'Work: acquisition of Contoso')).not.toBe(work);
  });
});
