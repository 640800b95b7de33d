import { describe, expect, it } from 'vitest';
import { isJsonValue } from '../schema.js';
import { shortText, toJson, truncate } from './json.js';
import { toEpochMs } from './time.js';

describe('toJson', () => {
  it('turns values JSON cannot hold into readable JSON instead of throwing', () => {
    const nested: unknown[] = [];
    let cursor = nested;
    for (let i = 0; i < 200; i++) {
      const next: unknown[] = [];
      cursor.push(next);
      cursor = next;
    }
    const value = toJson({
      when: new Date('2024-01-01T00:00:00.000Z'),
      badDate: new Date('nope'),
      big: 2n ** 70n,
      inf: Number.POSITIVE_INFINITY,
      fn: () => 0,
      list: [undefined, Symbol('s')],
      map: new Map([['a', 1]]),
      set: new Set([1, 2]),
      error: new TypeError('boom'),
      url: new URL('https://example.com/a?b=1'),
      nested,
    });
    expect(isJsonValue(value)).toBe(true);
    expect(value).toMatchObject({
      when: '2024-01-01T00:00:00.000Z',
      badDate: null,
      big: '1180591620717411303424',
      inf: null,
      list: [null, null],
      map: { a: 1 },
      set: [1, 2],
      error: { name: 'TypeError', message: 'boom' },
      url: 'https://example.com/a?b=1',
    });
    expect(value).not.toHaveProperty('fn');
    expect(JSON.stringify(value)).toContain('[Too deeply nested]');
  });

  it('keeps a value referenced twice without a cycle as two copies', () => {
    const shared = { x: 1 };
    expect(toJson({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });
});

describe('truncate and shortText', () => {
  it('never splits a surrogate pair when cutting', () => {
    const text = `${'a'.repeat(8)}😀😀😀`;
    for (let max = 1; max < text.length; max++) {
      const cut = truncate(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });

  it('writes objects as one line of JSON with runs of spaces collapsed, cut to the limit', () => {
    expect(shortText({ a: 'b\n  c' })).toBe('{"a":"b\\n c"}');
    expect(shortText('  two\n\nlines  ')).toBe('two lines');
    expect(shortText('x'.repeat(600)).length).toBe(500);
  });
});

describe('toEpochMs', () => {
  it('reads every date form and refuses what is not a date', () => {
    const ms = Date.parse('2024-06-01T12:00:00.000Z');
    expect(toEpochMs(new Date(ms))).toBe(ms);
    expect(toEpochMs('2024-06-01T12:00:00.000Z')).toBe(ms);
    expect(toEpochMs(ms)).toBe(ms);
    expect(toEpochMs(ms / 1000)).toBe(ms);
    expect(toEpochMs(String(ms))).toBe(ms);
    expect(toEpochMs('yesterday')).toBeUndefined();
    expect(toEpochMs(Number.NaN)).toBeUndefined();
    expect(toEpochMs(null)).toBeUndefined();
    expect(toEpochMs(-5)).toBeUndefined();
  });
});
