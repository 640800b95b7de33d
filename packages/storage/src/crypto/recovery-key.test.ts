import { describe, expect, it } from 'vitest';
import { ChatStorageError } from '../errors.js';
import { generateRecoveryKey, parseRecoveryKey } from './recovery-key.js';

describe('recovery key', () => {
  it('is 256 random bits written as 14 groups of 4 characters that parse back to the same bytes', async () => {
    const { bytes, text } = await generateRecoveryKey();
    expect(bytes.length).toBe(32);
    expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await parseRecoveryKey(text)).toEqual(bytes);
    const other = await generateRecoveryKey();
    expect(other.text).not.toBe(text);
  });

  it('reads back typed in lower case, with spaces instead of dashes, O for 0 and l for 1', async () => {
    const { bytes, text } = await generateRecoveryKey();
    const typed = `  ${text.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l')}\n`;
    expect(await parseRecoveryKey(typed)).toEqual(bytes);
    expect(await parseRecoveryKey(text.replace(/-/g, ''))).toEqual(bytes);
  });

  it('a typo is reported as one, saying what to check', async () => {
    const { text } = await generateRecoveryKey();
    const flipped = (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    await expect(parseRecoveryKey(flipped)).rejects.toMatchObject({
      code: 'invalid-recovery-key',
      message: expect.stringMatching(/typo/),
    });
    await expect(parseRecoveryKey(text.slice(0, -5))).rejects.toMatchObject({
      message: expect.stringMatching(/56 characters.*has 52/),
    });
    await expect(parseRecoveryKey(`${text.slice(0, -1)}U`)).rejects.toThrow(ChatStorageError);
    await expect(parseRecoveryKey(`${text.slice(0, -1)}!`)).rejects.toMatchObject({
      message: expect.stringMatching(/"!"/),
    });
  });
});
