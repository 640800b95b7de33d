import { describe, expect, it } from 'vitest';
import { fromBase64url } from './base64url.js';
import {
  changePassphrase,
  createKeyMaterial,
  DEFAULT_PBKDF2_ITERATIONS,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
} from './key-material.js';
import { decryptRecord, encryptRecord } from './record-cipher.js';
import { keyMaterialSchema } from './wire.js';

/** Fast key derivation for tests; the default is checked separately. */
const FAST = { iterations: 1_000 };
const address = { kind: 'conversation', id: 'c1', projectId: 'p1' };

/** The same data key: what one encrypts, the other opens. */
async function sameKey(a: Awaited<ReturnType<typeof unlockWithPassphrase>>, b: typeof a) {
  const sealed = await encryptRecord(a, address, { title: 'same key' });
  return (await decryptRecord(b, address, sealed)) as { title: string };
}

describe('key material', () => {
  it('the default key derivation is PBKDF2-SHA256 with at least 600,000 iterations, stored with the keys', async () => {
    expect(DEFAULT_PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const started = performance.now();
    const { material } = await createKeyMaterial('correct horse battery staple');
    const elapsed = performance.now() - started;
    expect(material.kdf).toMatchObject({
      name: 'PBKDF2-SHA256',
      params: { iterations: DEFAULT_PBKDF2_ITERATIONS },
    });
    expect(fromBase64url(material.kdf.salt)!.length).toBe(16);
    // Reported, not asserted: the machine's speed varies.
    console.log(`key set-up with ${DEFAULT_PBKDF2_ITERATIONS} iterations: ${elapsed.toFixed(0)} ms`);
  });

  it('is what the server accepts and holds nothing of the passphrase or the data key in the clear', async () => {
    const { material, recoveryKey } = await createKeyMaterial('correct horse battery staple', FAST);
    expect(keyMaterialSchema.parse(material)).toEqual(material);
    const text = JSON.stringify(material);
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain(recoveryKey.replace(/-/g, ''));
  });

  it('the passphrase unlocks the same data key that was set up, and so does the recovery key', async () => {
    const created = await createKeyMaterial('correct horse battery staple', FAST);
    const byPassphrase = await unlockWithPassphrase(created.material, 'correct horse battery staple');
    const byRecovery = await unlockWithRecoveryKey(created.material, created.recoveryKey.toLowerCase());
    expect(byPassphrase.check).toBe(created.material.keyCheck);
    expect((await sameKey(created.dataKey, byPassphrase)).title).toBe('same key');
    expect((await sameKey(byRecovery, created.dataKey)).title).toBe('same key');
  });

  it('a wrong passphrase unlocks nothing and is told so', async () => {
    const { material } = await createKeyMaterial('correct horse battery staple', FAST);
    await expect(unlockWithPassphrase(material, 'correct horse battery stapler')).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    await expect(unlockWithPassphrase(material, '')).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it("another account's recovery key unlocks nothing and is told so", async () => {
    const mine = await createKeyMaterial('correct horse battery staple', FAST);
    const theirs = await createKeyMaterial('correct horse battery staple', FAST);
    await expect(unlockWithRecoveryKey(mine.material, theirs.recoveryKey)).rejects.toMatchObject({
      code: 'wrong-recovery-key',
    });
  });

  it('the stored iterations are honoured: keys made with other parameters still unlock', async () => {
    const { material } = await createKeyMaterial('pass phrase', { iterations: 2_345 });
    expect(material.kdf.params.iterations).toBe(2_345);
    await expect(unlockWithPassphrase(material, 'pass phrase')).resolves.toBeDefined();
    // The same wrapped key read with other parameters does not open.
    const altered = { ...material, kdf: { ...material.kdf, params: { iterations: 2_346 } } };
    await expect(unlockWithPassphrase(altered, 'pass phrase')).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
  });

  it('an unknown key derivation or damaged material is refused with a message, not a crash', async () => {
    const { material } = await createKeyMaterial('pass phrase', FAST);
    await expect(
      unlockWithPassphrase({ ...material, kdf: { ...material.kdf, name: 'scrypt' } }, 'pass phrase'),
    ).rejects.toMatchObject({ code: 'invalid-key-material', message: expect.stringMatching(/"scrypt"/) });
    await expect(unlockWithPassphrase({ format: 2 }, 'pass phrase')).rejects.toMatchObject({
      code: 'invalid-key-material',
    });
  });

  it('wrapped keys swapped in from another account fail the key check', async () => {
    const mine = await createKeyMaterial('pass phrase', FAST);
    const theirs = await createKeyMaterial('pass phrase', FAST);
    const swapped = {
      ...mine.material,
      kdf: theirs.material.kdf,
      passphraseWrapped: theirs.material.passphraseWrapped,
    };
    await expect(unlockWithPassphrase(swapped, 'pass phrase')).rejects.toMatchObject({
      code: 'invalid-key-material',
    });
  });

  it('changing the passphrase wraps the same data key again; the old passphrase stops, the recovery key keeps working', async () => {
    const created = await createKeyMaterial('old phrase', FAST);
    const next = await changePassphrase(created.material, { passphrase: 'old phrase' }, 'new phrase', {
      iterations: 1_500,
    });
    expect(next.kdf.params.iterations).toBe(1_500);
    expect(next.kdf.salt).not.toBe(created.material.kdf.salt);
    expect(next.keyCheck).toBe(created.material.keyCheck);
    await expect(unlockWithPassphrase(next, 'old phrase')).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    expect((await sameKey(created.dataKey, await unlockWithPassphrase(next, 'new phrase'))).title).toBe(
      'same key',
    );
    expect(
      (await sameKey(created.dataKey, await unlockWithRecoveryKey(next, created.recoveryKey))).title,
    ).toBe('same key');
    // Forgotten passphrase: the recovery key sets a new one.
    const reset = await changePassphrase(next, { recoveryKey: created.recoveryKey }, 'third phrase', FAST);
    await expect(unlockWithPassphrase(reset, 'third phrase')).resolves.toBeDefined();
  });
});
