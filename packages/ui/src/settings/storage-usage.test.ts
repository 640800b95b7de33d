import { describe, expect, it } from 'vitest';
import { describeUsage, formatBytes, readStorageUsage } from './storage-usage.js';

describe('storage usage', () => {
  it('formats sizes in decimal units', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(123_456_789)).toBe('123 MB');
    expect(formatBytes(2_000_000_000)).toBe('2 GB');
  });

  it('says how much is used of what is available', () => {
    expect(describeUsage({ usage: 1_500_000, quota: 300_000_000 })).toBe(
      '1.5 MB used of 300 MB available (<1%).',
    );
    expect(describeUsage({ usage: 150, quota: 300 })).toBe('150 bytes used of 300 bytes available (50%).');
    expect(describeUsage({})).toMatch(/does not report/);
  });

  it('reads the estimate and persistence, and leaves unknown what the browser refuses', async () => {
    expect(
      await readStorageUsage({
        estimate: async () => ({ usage: 10, quota: 100 }),
        persisted: async () => true,
      }),
    ).toEqual({ usage: 10, quota: 100, persisted: true });
    expect(
      await readStorageUsage({
        estimate: async () => {
          throw new Error('private window');
        },
      }),
    ).toEqual({});
    expect(await readStorageUsage(undefined)).toEqual({});
  });
});
