import { describe, expect, it } from 'vitest';
import { isQuotaError } from '../errors.js';
import { MemoryStorage, storageBytes } from './memory-storage.js';

describe('MemoryStorage', () => {
  it('stores, reads, overwrites and removes string values', () => {
    const s = new MemoryStorage();
    expect(s.getItem('a')).toBeNull();
    s.setItem('a', '1');
    s.setItem('b', '2');
    s.setItem('a', '3');
    expect(s.getItem('a')).toBe('3');
    expect(s.length).toBe(2);
    s.removeItem('a');
    s.removeItem('missing');
    expect(s.getItem('a')).toBeNull();
    expect(s.length).toBe(1);
  });

  it('turns keys and values into strings like the DOM does', () => {
    const s = new MemoryStorage();
    s.setItem('n', 42 as unknown as string);
    expect(s.getItem('n')).toBe('42');
    expect(s.getItem(42 as unknown as string)).toBeNull();
  });

  it('key(i) enumerates every key and is null out of range', () => {
    const s = new MemoryStorage();
    s.setItem('x', '1');
    s.setItem('y', '2');
    const keys = Array.from({ length: s.length }, (_, i) => s.key(i));
    expect(keys.sort()).toEqual(['x', 'y']);
    expect(s.key(2)).toBeNull();
    expect(s.key(-1)).toBeNull();
  });

  it('clear empties the storage and frees its bytes', () => {
    const s = new MemoryStorage(100);
    s.setItem('k', 'v'.repeat(10));
    s.clear();
    expect(s.length).toBe(0);
    expect(s.usedBytes).toBe(0);
    s.setItem('k', 'v'.repeat(40));
    expect(s.getItem('k')).toHaveLength(40);
  });

  it('counts two bytes per UTF-16 code unit of keys and values', () => {
    const s = new MemoryStorage();
    s.setItem('ab', 'cde');
    s.setItem('emoji', '😀');
    expect(s.usedBytes).toBe(storageBytes('ab', 'cde') + storageBytes('emoji', '😀'));
    expect(storageBytes('emoji', '😀')).toBe((5 + 2) * 2);
  });

  it('a write beyond the quota throws QuotaExceededError and changes nothing', () => {
    const s = new MemoryStorage(20);
    s.setItem('a', 'xxxx'); // 10 bytes
    expect(() => s.setItem('b', 'xxxxx')).toThrowError(
      expect.objectContaining({ name: 'QuotaExceededError' }),
    );
    let thrown: unknown;
    try {
      s.setItem('a', 'x'.repeat(10));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DOMException);
    expect(isQuotaError(thrown)).toBe(true);
    expect(s.snapshot()).toEqual({ a: 'xxxx' });
    expect(s.usedBytes).toBe(10);
  });

  it('replacing a value counts only the difference, so shrinking always fits', () => {
    const s = new MemoryStorage(20);
    s.setItem('a', 'x'.repeat(9)); // exactly 20 bytes
    s.setItem('a', 'y');
    expect(s.usedBytes).toBe(4);
    s.setItem('b', 'z'.repeat(7)); // 16 more bytes: exactly full
    expect(s.usedBytes).toBe(20);
  });

  it('refuses a negative quota', () => {
    expect(() => new MemoryStorage(-1)).toThrow(RangeError);
  });
});
