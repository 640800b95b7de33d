import { describe, expect, it } from 'vitest';
import { describeBackfill } from './backfill.js';
import { BackfillQueue } from './backfill-queue.js';

describe('the download queue', () => {
  it('moves the conversation asked for last to the front and keeps the rest in order', () => {
    const queue = new BackfillQueue({ stage: 'messages', queue: ['a', 'b', 'c', 'd'], total: 4 });
    expect(queue.prioritize('c')).toBe(true);
    expect(queue.prioritize('d')).toBe(true);
    expect(queue.upcoming(4)).toEqual(['d', 'c', 'a', 'b']);
    expect(queue.prioritize('zz')).toBe(false);
  });

  it('stores what is left and counts what is done; nothing is stored once all are done', () => {
    const queue = new BackfillQueue({ stage: 'messages', queue: ['a', 'b', 'c'], total: 5 });
    queue.complete(['b', 'unknown']);
    expect(queue.progress()).toEqual({ stage: 'messages', queue: ['a', 'c'], total: 5 });
    expect([queue.done, queue.remaining]).toEqual([3, 2]);
    expect(queue.has('b')).toBe(false);
    queue.complete(['a', 'c']);
    expect(queue.progress()).toBeUndefined();
  });
});

describe('describeBackfill', () => {
  it('says how many conversations are on the device, with thousands separators', () => {
    expect(describeBackfill({ done: 412, total: 1001 })).toBe(
      'Downloading history: 412 of 1,001 conversations',
    );
    expect(describeBackfill({ done: 0, total: 1 })).toBe('Downloading history: 0 of 1 conversation');
  });
});
