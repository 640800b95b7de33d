import { describe, expect, it } from 'vitest';
import { expectStorageError } from '../contract/context.js';
import { addTag, collectTags, filterByTags, normalizeTag, normalizeTags, removeTag } from './tags.js';

const rejects = (fn: () => unknown) => expectStorageError(Promise.resolve().then(fn), 'invalid-input');

describe('tag normalisation', () => {
  it('trims and makes every run of white space one space', () => {
    expect(normalizeTag('  road \t\n trip  ')).toBe('road trip');
  });

  it('refuses an empty tag and one over 100 characters, saying what to do', async () => {
    expect((await rejects(() => normalizeTag('   '))).message).toMatch(/cannot be empty/);
    expect((await rejects(() => normalizeTag('x'.repeat(101)))).message).toMatch(/at most 100.*has 101/);
    expect(normalizeTag('x'.repeat(100))).toHaveLength(100);
  });

  it('a list keeps the first spelling of a tag repeated in another case and drops blanks', () => {
    expect(normalizeTags(['Work', ' work ', '', 'WORK', 'home'])).toEqual(['Work', 'home']);
  });

  it('a list of more than 100 tags is refused', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `t${i}`);
    expect((await rejects(() => normalizeTags(many))).message).toMatch(/at most 100 tags/);
  });
});

describe('adding and removing tags', () => {
  it('adds a normalised tag, reusing the spelling already used elsewhere', () => {
    expect(addTag(['a'], '  Big   Plans ')).toEqual(['a', 'Big Plans']);
    expect(addTag([], 'work', ['Work', 'home'])).toEqual(['Work']);
  });

  it('refuses a tag the conversation already has, in any case, naming it', async () => {
    expect((await rejects(() => addTag(['Work'], 'work'))).message).toMatch(/already tagged "Work"/);
  });

  it('removes a tag whatever its case', () => {
    expect(removeTag(['Work', 'home'], 'WORK')).toEqual(['home']);
  });
});

describe('tag filter', () => {
  const list = [
    { id: '1', tags: ['Work', 'urgent'] },
    { id: '2', tags: ['work'] },
    { id: '3', tags: [] },
    { id: '4', tags: ['home', 'Urgent'] },
  ];

  it('keeps the conversations that carry every chosen tag, in any case, in their order', () => {
    expect(filterByTags(list, ['work']).map((c) => c.id)).toEqual(['1', '2']);
    expect(filterByTags(list, ['URGENT', 'work']).map((c) => c.id)).toEqual(['1']);
    expect(filterByTags(list, ['nothing'])).toEqual([]);
  });

  it('an empty filter keeps everything', () => {
    expect(filterByTags(list, [])).toEqual(list);
  });

  it('collectTags counts conversations per tag, merging cases, sorted by name', () => {
    expect(collectTags(list)).toEqual([
      { tag: 'home', count: 1 },
      { tag: 'urgent', count: 2 },
      { tag: 'Work', count: 2 },
    ]);
    // A conversation repeating a tag in two cases counts once.
    expect(collectTags([{ tags: ['a', 'A'] }])).toEqual([{ tag: 'a', count: 1 }]);
  });
});
