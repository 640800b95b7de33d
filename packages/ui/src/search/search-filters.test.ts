import { describe, expect, it } from 'vitest';
import { activeFilterCount, NO_FILTERS, searchOptions } from './search-filters.js';

describe('search filters as storage search options', () => {
  it('are empty when nothing is chosen', () => {
    expect(searchOptions(NO_FILTERS)).toEqual({});
    expect(activeFilterCount(NO_FILTERS)).toBe(0);
  });

  it('turn a day range into local times, the last day included whole', () => {
    const opts = searchOptions({ ...NO_FILTERS, from: '2026-03-01', to: '2026-03-02' });
    expect(opts.from).toBe(new Date(2026, 2, 1).getTime());
    expect(opts.to).toBe(new Date(2026, 2, 3).getTime() - 1);
  });

  it('pass role, model and tag as one-item lists, and count them', () => {
    const values = {
      ...NO_FILTERS,
      scope: 'all' as const,
      role: 'assistant' as const,
      model: 'gpt-4o',
      tag: 'work',
    };
    expect(searchOptions(values)).toEqual({ roles: ['assistant'], models: ['gpt-4o'], tags: ['work'] });
    expect(activeFilterCount(values)).toBe(3);
  });
});
