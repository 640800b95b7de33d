// Known-answer vectors made once by this module and pinned: every later
// version, in Node and in Chromium, must open them the same way, so the
// format (key derivation, wrapping, additional data, encodings) cannot drift
// without a test failing. Run by known-answers.test.ts (Node) and
// known-answers.browser.test.ts (real Chromium).
import { describe, expect, it } from 'vitest';
import {
  base64urlCodecs,
  createKeyMaterial,
  decodeBase64url,
  decryptRecord,
  decryptShare,
  encryptRecord,
  opaqueProjectId,
  RecordDecryptionError,
  toBase64url,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
} from '../index.js';

/** Bytes and their base64url (RFC 4648 §5, no padding), every length modulo 3 and both alphabet-specific characters. */
const BASE64URL_VECTORS: [number[], string][] = [
  [[], ''],
  [[0xfb], '-w'],
  [[0xff, 0xef], '_-8'],
  [[0xfb, 0xff, 0xbf], '-_-_'],
  [[0x66, 0x6f, 0x6f, 0x62], 'Zm9vYg'],
  [[0x66, 0x6f, 0x6f, 0x62, 0x61], 'Zm9vYmE'],
];

export const VECTOR = {
  passphrase: 'vector passphrase ✓',
  material: {
    format: 1,
    kdf: { name: 'PBKDF2-SHA256', salt: 'IrNUf0zDmpkiBa1omY2TYw', params: { iterations: 1000 } },
    passphraseWrapped: 'BRzk6QwANuQCj1gxLU6CVfrE2lnZra1z9KK17bTrdtuQBRg2o5sfLk3LI0-nHqFrO-vGdQxKHPLFCT5q',
    recoveryWrapped: '9bjCcaFVprqIjDJsIJvkLVnLeqdDGNIpJYV3J837kZ2sKSVMniuNysqRf16sgSU0uMEsJFuFL2zf9Rvy',
    keyCheck: 'cIjCakKtAbz6Z3zEQu9tBw',
  },
  recoveryKey: '8FXD-N2AD-MJZE-ZDNM-RJXE-F2C8-Y4W1-1YBM-E2D1-56CB-K5EN-S8RZ-VR2D-Y26F',
  projectId: 'project-vector',
  address: { kind: 'message', id: 'm-vector', projectId: 'BJ3h7BGZw3M2_6MiH8yRN-vEEU6GZHGp4DHgvYZ43CI' },
  value: { id: 'm-vector', role: 'assistant', content: 'Known answer: 42 ✓' },
  record: {
    enc: 1,
    iv: 'zw4SK6nRah61DAxj',
    ct: 'CMY2N9o-qR8lOK8HYkGG--ZYgmSqyageeOJg_XEj3lmDv7PklHGKHpCTSOqdyBsh926iFhe9wEKOaZ857Bhe_3zBusHtNTQb8S3I-oUyO2Wrj1H3hg',
  },
  share: {
    data: { enc: 1, iv: '9x3xOejIoMTVefPk', ct: 'TQjHDvNct0ATimQ4Z7IEesj-TBBPbjgDFMZAOxCW60Dt1hA17IIJZ1g' },
    key: 'kjcmmcM_GvCy0pCFF0j7cDHU8mK9shuZcEQO5m9rGk4',
    value: { title: 'shared vector' },
  },
} as const;

export function describeKnownAnswers(where: string): void {
  describe(`crypto known answers (${where})`, () => {
    it('the pinned passphrase and recovery key open the pinned key material', async () => {
      const byPassphrase = await unlockWithPassphrase(VECTOR.material, VECTOR.passphrase);
      const byRecovery = await unlockWithRecoveryKey(VECTOR.material, VECTOR.recoveryKey.toLowerCase());
      expect(byPassphrase.check).toBe(VECTOR.material.keyCheck);
      expect(byRecovery.check).toBe(VECTOR.material.keyCheck);
    });

    it('the pinned record decrypts, and the opaque project id is the pinned one', async () => {
      const key = await unlockWithPassphrase(VECTOR.material, VECTOR.passphrase);
      expect(await opaqueProjectId(key, VECTOR.projectId)).toBe(VECTOR.address.projectId);
      expect(await decryptRecord(key, VECTOR.address, VECTOR.record)).toEqual(VECTOR.value);
      await expect(
        decryptRecord(key, { ...VECTOR.address, id: 'm-other' }, VECTOR.record),
      ).rejects.toBeInstanceOf(RecordDecryptionError);
    });

    it('base64url: the codec in use and every other one this runtime has give the pinned texts', () => {
      expect(base64urlCodecs.length).toBeGreaterThan(0);
      // Every byte value, in a length that is not a multiple of 3.
      const all = Uint8Array.from({ length: 256 + 2 }, (_, i) => i % 256);
      const allText = toBase64url(all);
      for (const codec of base64urlCodecs) {
        for (const [bytes, text] of BASE64URL_VECTORS) {
          expect(codec.encode(Uint8Array.from(bytes)), codec.name).toBe(text);
          expect([...codec.decode(text)], codec.name).toEqual(bytes);
        }
        expect(codec.encode(all), codec.name).toBe(allText);
        expect(codec.decode(allText), codec.name).toEqual(all);
      }
      expect(allText).not.toMatch(/[+/=]/);
      expect(decodeBase64url(allText)).toEqual(all);
    });

    it('the pinned share decrypts with the key from its link', async () => {
      expect(await decryptShare(VECTOR.share.data, VECTOR.share.key)).toEqual(VECTOR.share.value);
    });

    it('a wrong passphrase is told so', async () => {
      await expect(unlockWithPassphrase(VECTOR.material, 'vector passphrase')).rejects.toMatchObject({
        code: 'wrong-passphrase',
      });
    });

    it('fresh keys round-trip a record here', async () => {
      const { material, dataKey } = await createKeyMaterial('fresh phrase', { iterations: 1_000 });
      const address = { kind: 'conversation', id: 'c', projectId: 'p' };
      const sealed = await encryptRecord(dataKey, address, { title: 'here' });
      const unlocked = await unlockWithPassphrase(material, 'fresh phrase');
      expect(await decryptRecord(unlocked, address, sealed)).toEqual({ title: 'here' });
    });
  });
}
