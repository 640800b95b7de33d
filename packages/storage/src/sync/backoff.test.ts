import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { parseRetryAfter } from './http.js';

describe('Backoff', () => {
  it('doubles the delay after each failure, with jitter between half and all of the step', () => {
    const low = new Backoff(() => 0);
    const high = new Backoff(() => 0.999999);
    const lows = [1, 2, 3, 4].map(() => low.fail());
    const highs = [1, 2, 3, 4].map(() => high.fail());
    expect(lows).toEqual([500, 1000, 2000, 4000]);
    expect(highs).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than 60 s however many failures there were', () => {
    const backoff = new Backoff(() => 0.999999);
    let last = 0;
    for (let i = 0; i < 40; i++) last = backoff.fail();
    expect(last).toBe(60_000);
    expect(backoff.attempts).toBe(40);
  });

  it("follows the server's Retry-After instead of its own step", () => {
    const backoff = new Backoff(() => 0);
    for (let i = 0; i < 10; i++) backoff.fail();
    expect(backoff.fail(2000)).toBe(2000);
    expect(new Backoff(() => 0.5).fail(120_000)).toBe(120_500);
  });

  it('starts over after a success', () => {
    const backoff = new Backoff(() => 0);
    backoff.fail();
    backoff.fail();
    backoff.reset();
    expect(backoff.fail()).toBe(500);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
