// The one place that opens storage and creates the QueryClient. Every read
// in the app goes through TanStack Query; every committed write, from this
// tab, another tab or sync, invalidates the queries it touches.
import { type ChatStorageAdapter, type FallbackMergeReport, openChatStorage } from '@chatkeep/storage';
import { QueryClient } from '@tanstack/react-query';
import { createInvalidator } from './invalidation.js';

export const queryClient = new QueryClient({
  defaultOptions: {
    // Reads are local: they never wait for the network, and only writes make them stale.
    queries: {
      networkMode: 'always',
      staleTime: Number.POSITIVE_INFINITY,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      retry: false,
    },
    mutations: { networkMode: 'always' },
  },
});

let opening: Promise<ChatStorageAdapter> | undefined;
let fallbackMerge: FallbackMergeReport | undefined;

/** Opens storage once per page; after a failure (another tab blocking it) the next call tries again. */
export function getStorage(): Promise<ChatStorageAdapter> {
  opening ??= openChatStorage({
    onFallbackMerged: (report) => {
      fallbackMerge = report;
    },
  }).then(
    (adapter) => {
      closeEarlyConnection();
      adapter.subscribe(createInvalidator(queryClient));
      return adapter;
    },
    (error: unknown) => {
      opening = undefined;
      throw error;
    },
  );
  return opening;
}

/** What opening storage merged from localStorage (history written there while IndexedDB was unavailable). */
export function fallbackMergeReport(): FallbackMergeReport | undefined {
  return fallbackMerge;
}

/** The connection index.html opened ahead of the code, to have the database ready: ours is open now. */
function closeEarlyConnection(): void {
  const page = globalThis as { chatkeepEarlyConnection?: IDBDatabase };
  page.chatkeepEarlyConnection?.close();
  page.chatkeepEarlyConnection = undefined;
}
