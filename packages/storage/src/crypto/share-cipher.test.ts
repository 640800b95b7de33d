import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from './base64url.js';
import { decryptShare, encryptShare } from './share-cipher.js';

const snapshot = { conversation: { title: 'Trip to Lisbon' }, messages: [{ content: 'pack the passport' }] };

describe('share encryption', () => {
  it('round-trips a snapshot with the key from the link; each share has a key of its own', async () => {
    const first = await encryptShare(snapshot);
    const second = await encryptShare(snapshot);
    expect(first.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.key).not.toBe(second.key);
    expect(JSON.stringify(first.data)).not.toMatch(/Lisbon|passport/);
    expect(await decryptShare(first.data, first.key)).toEqual(snapshot);
    await expect(decryptShare(first.data, second.key)).rejects.toMatchObject({ code: 'decrypt-failed' });
  });

  it('an altered snapshot or a cut link is a decrypt-failed error saying what is wrong', async () => {
    const { data, key } = await encryptShare(snapshot);
    const ct = fromBase64url(data.ct)!;
    ct[0]! ^= 1;
    await expect(decryptShare({ ...data, ct: toBase64url(ct) }, key)).rejects.toMatchObject({
      code: 'decrypt-failed',
      message: expect.stringMatching(/altered/),
    });
    await expect(decryptShare(data, key.slice(0, 20))).rejects.toMatchObject({
      message: expect.stringMatching(/Copy the whole link/),
    });
  });
});
