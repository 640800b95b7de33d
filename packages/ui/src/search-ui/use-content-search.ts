// Content search as a query: debounced while typing, refreshed when history
// changes (a new answer may now match), previous hits kept while the next
// search runs so the list does not flicker. The index (MiniSearch and the
// code that keeps it current) loads on first use, after the first paint.
import type { ChatStorageAdapter, SearchHit } from '@chatkeep/storage';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useStorage } from '../app/storage-context.js';

export const CONTENT_SEARCH_LIMIT = 30;
const TYPING_DELAY_MS = 200;
/** Streaming writes many times a second; results need not follow every word. */
const REFRESH_DELAY_MS = 500;

export const contentSearchKey = (projectId: string, query: string) =>
  ['content-search', projectId, query] as const;

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

/** Message hits only: title hits are what the title filter already lists. */
export async function searchMessages(
  adapter: ChatStorageAdapter,
  projectId: string,
  query: string,
): Promise<SearchHit[]> {
  if (query.trim() === '') return [];
  const index = await getSearchIndex(adapter);
  const hits = await index.search(projectId, query, { limit: CONTENT_SEARCH_LIMIT });
  return hits.filter((hit) => hit.messageId !== undefined);
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

  const result = useQuery({
    queryKey: contentSearchKey(projectId, settled),
    queryFn: () => searchMessages(storage, projectId, settled),
    enabled: settled !== '',
    placeholderData: keepPreviousData,
  });
  return {
    hits: settled ? (result.data ?? []) : [],
    /** True while the typed text has not been searched yet. */
    searching: query.trim() !== '' && (query.trim() !== settled || result.isFetching),
    error: result.error,
  };
}
