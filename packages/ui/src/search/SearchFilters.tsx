// Under the sidebar's search box while a search is typed: where to search
// (this project or all of them) and, behind "Filters", role, model, tag and
// date range. Models and tags offered are those the index holds.
import type { Role } from '@chatkeep/storage';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useStorage } from '../data/storage-context.js';
import { activeFilterCount, useSearchFilters } from './search-filters.js';
import { searchFacets } from './use-content-search.js';
import './search.css';

const ROLES: { value: '' | Role; label: string }[] = [
  { value: '', label: 'Any' },
  { value: 'user', label: 'You' },
  { value: 'assistant', label: 'Assistant' },
  { value: 'system', label: 'System' },
  { value: 'tool', label: 'Tool' },
];

export function SearchFilters({ projectId }: { projectId: string }) {
  const storage = useStorage();
  const filters = useSearchFilters();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const searchedProject = filters.scope === 'all' ? null : projectId;
  const facets = useQuery({
    queryKey: ['content-search-facets', searchedProject],
    queryFn: () => searchFacets(storage, searchedProject),
    enabled: open,
  }).data;
  const count = activeFilterCount(filters);

  return (
    <div className="search-filters">
      <div className="search-filters-row">
        <fieldset className="view-switch search-scope" aria-label="Search in">
          <button
            type="button"
            aria-pressed={filters.scope === 'project'}
            onClick={() => filters.set({ scope: 'project' })}
          >
            This project
          </button>
          <button
            type="button"
            aria-pressed={filters.scope === 'all'}
            onClick={() => filters.set({ scope: 'all' })}
          >
            All projects
          </button>
        </fieldset>
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
        >
          Filters{count > 0 ? ` (${count})` : ''}
        </button>
      </div>
      {open && (
        <div id={panelId} className="search-filter-panel">
          <label>
            <span>Role</span>
            <select value={filters.role} onChange={(e) => filters.set({ role: e.target.value as '' | Role })}>
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Model</span>
            <select value={filters.model} onChange={(e) => filters.set({ model: e.target.value })}>
              <option value="">Any</option>
              {withChosen(facets?.models, filters.model).map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Tag</span>
            <select value={filters.tag} onChange={(e) => filters.set({ tag: e.target.value })}>
              <option value="">Any</option>
              {withChosen(facets?.tags, filters.tag).map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>From</span>
            <input type="date" value={filters.from} onChange={(e) => filters.set({ from: e.target.value })} />
          </label>
          <label>
            <span>To</span>
            <input type="date" value={filters.to} onChange={(e) => filters.set({ to: e.target.value })} />
          </label>
          {count > 0 && (
            <button type="button" className="link-button" onClick={() => filters.reset()}>
              Clear filters
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** The offered values, keeping the chosen one listed even before the facets load. */
function withChosen(values: string[] | undefined, chosen: string): string[] {
  const list = values ?? [];
  return chosen && !list.includes(chosen) ? [chosen, ...list] : list;
}
