import { describe, expect, it } from 'vitest';
import { describeRefusal, formatBytes } from './refusals.js';

const MiB = 1024 * 1024;

describe('refusals in words', () => {
  it('a record too large names its size and the server limit', () => {
    expect(
      describeRefusal({
        reason: 'x',
        refusal: { code: 'too-large', size: 5.2 * MiB, limit: 4 * MiB, at: 1 },
      }),
    ).toBe('too large: 5.2 MB, this server takes up to 4 MB');
  });

  it('nesting and clock refusals say what to look at', () => {
    expect(
      describeRefusal({ reason: 'x', refusal: { code: 'too-deep', size: 120, limit: 100, at: 1 } }),
    ).toBe('nested too deeply: 120 levels, this server takes up to 100');
    expect(
      describeRefusal({ reason: 'x', refusal: { code: 'clock-ahead', size: 3 * 86_400_000, at: 1 } }),
    ).toBe("dated 3 days ahead of the server's clock: check this device's date and time");
    expect(describeRefusal({ reason: 'x', refusal: { code: 'encryption-required', at: 1 } })).toBe(
      'this account keeps only end-to-end encrypted records: unlock encryption on this device',
    );
  });

  it("a v1 server's reason, or an unknown code, is shown as the server wrote it", () => {
    expect(describeRefusal({ reason: 'The record is too big.' })).toBe('The record is too big.');
    expect(describeRefusal({ reason: 'Quota used up.', refusal: { code: 'over-quota', at: 1 } })).toBe(
      'Quota used up.',
    );
    expect(describeRefusal({ reason: 'id is missing.', refusal: { code: 'malformed', at: 1 } })).toBe(
      'the server could not read it: id is missing.',
    );
  });

  it('bytes read as people read them', () => {
    expect(formatBytes(4 * MiB)).toBe('4 MB');
    expect(formatBytes(4.26 * MiB)).toBe('4.3 MB');
    expect(formatBytes(800 * 1024)).toBe('800 KB');
    expect(formatBytes(10)).toBe('1 KB');
  });
});
