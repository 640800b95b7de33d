// Content search as a query: debounced while typing, refreshed when history
// changes (a new answer may now match), previous hits kept while the next
// search runs so the list does not flicker. The index (MiniSearch and the
// code that keeps it current) loads on first use, after the first paint.
import type { ChatStorageAdapter, SearchHit, SearchOptions } from '@chatkeep/storage';
import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useStorage } from '../data/storage-context.js';
import { searchOptions, useSearchFilters } from './search-filters.js';

/** Hits per page; "Show more" asks for the next page. */
export const CONTENT_SEARCH_LIMIT = 30;
const TYPING_DELAY_MS = 200;
/** Streaming writes many times a second; results need not follow every word. */
const REFRESH_DELAY_MS = 500;

export const contentSearchKey = (projectId: string | null, query: string, opts: SearchOptions) =>
  ['content-search', projectId, query, opts] as const;

type SearchIndexModule = typeof import('./search-index.js');
let searchIndexModule: SearchIndexModule | undefined;

async function loadSearchIndexModule(): Promise<SearchIndexModule> {
  searchIndexModule ??= await import('./search-index.js');
  return searchIndexModule;
}

/** The adapter's search index, loading its code first if needed. */
async function getSearchIndex(adapter: ChatStorageAdapter) {
  return (await loadSearchIndexModule()).getSearchIndex(adapter);
}

export interface SearchPage {
  hits: SearchHit[];
  /** Whether hits follow this page. */
  hasMore: boolean;
}

/**
 * One page of hits of `projectId`: its messages (title hits are what the
 * sidebar's title filter already lists). Of every project when null: titles
 * too, since the title filter lists only the open project's conversations.
 */
export async function searchMessages(
  adapter: ChatStorageAdapter,
  projectId: string | null,
  query: string,
  opts: SearchOptions = {},
  offset = 0,
): Promise<SearchPage> {
  if (query.trim() === '') return { hits: [], hasMore: false };
  const index = await getSearchIndex(adapter);
  // One more than shown tells whether there is a next page.
  const hits = await index.search(projectId, query, {
    ...opts,
    titles: projectId === null,
    offset,
    limit: CONTENT_SEARCH_LIMIT + 1,
  });
  return { hits: hits.slice(0, CONTENT_SEARCH_LIMIT), hasMore: hits.length > CONTENT_SEARCH_LIMIT };
}

/** The models and tags the search can be narrowed to, loaded when the filters are shown. */
export async function searchFacets(adapter: ChatStorageAdapter, projectId: string | null) {
  return (await getSearchIndex(adapter)).facets(projectId);
}

export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** How long after start-up the index begins catching up, so it never competes with the first paint. */
export const SEARCH_WARMUP_DELAY_MS = 3000;

/**
 * Starts the index once the app has settled (a few seconds in, when the
 * browser is idle), so the first search rarely waits for it to build while
 * opening a large history stays as fast as a small one. A search before
 * then starts it at once.
 */
export function useSearchIndexLifecycle(): void {
  const storage = useStorage();
  useEffect(() => {
    const warmUp = () => void getSearchIndex(storage).catch(() => {});
    const timer = setTimeout(() => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(warmUp, { timeout: 5000 });
      else warmUp();
    }, SEARCH_WARMUP_DELAY_MS);
    // Closing the index when the page goes away saves its last updates for
    // the next start; an index never opened has nothing to save.
    const onHide = () => void searchIndexModule?.closeSearchIndex(storage).catch(() => {});
    window.addEventListener('pagehide', onHide);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('pagehide', onHide);
    };
  }, [storage]);
}

export function useContentSearch(projectId: string, query: string) {
  const storage = useStorage();
  const queryClient = useQueryClient();
  const settled = useDebounced(query.trim(), TYPING_DELAY_MS);
  const scope = useSearchFilters((s) => s.scope);
  const role = useSearchFilters((s) => s.role);
  const model = useSearchFilters((s) => s.model);
  const tag = useSearchFilters((s) => s.tag);
  const from = useSearchFilters((s) => s.from);
  const to = useSearchFilters((s) => s.to);
  const opts = useMemo(
    () => searchOptions({ scope, role, model, tag, from, to }),
    [scope, role, model, tag, from, to],
  );
  const searchedProject = scope === 'all' ? null : projectId;

  useEffect(() => {
    if (!settled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = storage.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: ['content-search'] });
      }, REFRESH_DELAY_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [storage, queryClient, settled]);

  const result = useInfiniteQuery({
    queryKey: contentSearchKey(searchedProject, settled, opts),
    queryFn: ({ pageParam }) => searchMessages(storage, searchedProject, settled, opts, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => (last.hasMore ? pages.length * CONTENT_SEARCH_LIMIT : undefined),
    enabled: settled !== '',
    placeholderData: keepPreviousData,
  });
  const hits = useMemo(() => result.data?.pages.flatMap((p) => p.hits) ?? [], [result.data]);
  return {
    hits: settled ? hits : [],
    /** True while the typed text has not been searched yet. */
    searching:
      query.trim() !== '' && (query.trim() !== settled || (result.isFetching && !result.isFetchingNextPage)),
    error: result.error,
    hasMore: settled !== '' && result.hasNextPage,
    loadingMore: result.isFetchingNextPage,
    showMore: () => void result.fetchNextPage(),
    allProjects: searchedProject === null,
  };
}
