import { describe, expect, it } from 'vitest';
import { compareHlc, createHlcClock, formatHlc, parseHlc } from './hlc.js';

describe('hlc', () => {
  it('formats so that string order is clock order', () => {
    const a = formatHlc({ ms: 9, counter: 1, clientId: 'b' });
    const b = formatHlc({ ms: 10, counter: 0, clientId: 'a' });
    expect(a).toBe('000000000000009:00001:b');
    expect(compareHlc(a, b)).toBe(-1);
    expect(parseHlc(b)).toEqual({ ms: 10, counter: 0, clientId: 'a' });
  });

  it('rejects malformed stamps', () => {
    for (const s of ['', '1:2:c', '000000000000009:00001:', '000000000000009:00001:a b', 'x'.repeat(30)]) {
      expect(parseHlc(s)).toBeUndefined();
    }
  });

  it('never goes backwards when the wall clock does', () => {
    let wall = 1000;
    const clock = createHlcClock({ clientId: 'c1', now: () => wall });
    const first = clock.next();
    wall = 500;
    const second = clock.next();
    const third = clock.next();
    expect(second > first).toBe(true);
    expect(third > second).toBe(true);
  });

  it('advances past any stamp it observes', () => {
    const clock = createHlcClock({ clientId: 'a', now: () => 1000 });
    const remote = formatHlc({ ms: 5000, counter: 7, clientId: 'z' });
    clock.observe(remote);
    expect(clock.next() > remote).toBe(true);
  });

  it('resumes after the last stamp it persisted', () => {
    const last = formatHlc({ ms: 9000, counter: 3, clientId: 'a' });
    const clock = createHlcClock({ clientId: 'a', now: () => 1000, last });
    expect(clock.next() > last).toBe(true);
  });

  it('rolls into the next millisecond when the counter is exhausted', () => {
    const clock = createHlcClock({
      clientId: 'a',
      now: () => 1,
      last: formatHlc({ ms: 1, counter: 99_999, clientId: 'a' }),
    });
    expect(parseHlc(clock.next())).toEqual({ ms: 2, counter: 0, clientId: 'a' });
  });
});
