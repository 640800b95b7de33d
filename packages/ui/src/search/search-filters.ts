// What the sidebar's message search is narrowed to: this project or all of
// them, a role, a model, a tag and a date range. UI state only (not kept
// across reloads); `searchOptions` turns it into the storage search's options.
import type { Role, SearchOptions } from '@chatkeep/storage';
import { create } from 'zustand';

export interface SearchFilterValues {
  scope: 'project' | 'all';
  /** '' for any. */
  role: '' | Role;
  model: string;
  tag: string;
  /** Days as an <input type="date"> gives them (YYYY-MM-DD, local time); '' for open-ended. */
  from: string;
  to: string;
}

interface SearchFilterState extends SearchFilterValues {
  set(patch: Partial<SearchFilterValues>): void;
  reset(): void;
}

export const NO_FILTERS: SearchFilterValues = {
  scope: 'project',
  role: '',
  model: '',
  tag: '',
  from: '',
  to: '',
};

export const useSearchFilters = create<SearchFilterState>()((set) => ({
  ...NO_FILTERS,
  set: (patch) => set(patch),
  // The scope is where to search, not a filter: it stays.
  reset: () => set((s) => ({ ...NO_FILTERS, scope: s.scope })),
}));

/** How many filters narrow the search (the scope is not counted). */
export function activeFilterCount(f: SearchFilterValues): number {
  return [f.role, f.model, f.tag, f.from, f.to].filter((v) => v !== '').length;
}

/** The start of a local day, or undefined for ''. */
function dayStart(day: string): number | undefined {
  if (day === '') return undefined;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!).getTime();
}

/** The storage search options for `f`: "to" includes the whole of its day. */
export function searchOptions(f: SearchFilterValues): SearchOptions {
  const from = dayStart(f.from);
  const toStart = dayStart(f.to);
  const to =
    toStart === undefined ? undefined : new Date(toStart).setDate(new Date(toStart).getDate() + 1) - 1;
  return {
    ...(f.role && { roles: [f.role] }),
    ...(f.model && { models: [f.model] }),
    ...(f.tag && { tags: [f.tag] }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
  };
}
