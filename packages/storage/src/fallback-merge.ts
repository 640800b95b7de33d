// When IndexedDB opens again, whatever was written to localStorage while it
// could not be used (a browser that refused it for a while, an older version
// of Chatkeep that fell back when another tab blocked its upgrade) is brought
// into IndexedDB, so the history is in one place again. Once, and safely:
// under the localStorage lock, in one IndexedDB transaction, and the copy is
// removed only after that transaction committed (fallback-copy.ts).
import type { IndexedDBAdapter } from './indexeddb/adapter.js';
import { type FallbackMergeCounts, mergeFallbackCopy } from './indexeddb/merge-fallback.js';
import { readFallbackCopy, removeFallbackCopy } from './localstorage/fallback-copy.js';
import { Keys } from './localstorage/layout.js';
import { withStorageLock } from './localstorage/lock.js';
import { localStorageSearchKey } from './search/persist.js';

/** What merging the localStorage copy did; the app shows it as a short notice. */
export type FallbackMergeReport =
  | ({ status: 'merged' } & FallbackMergeCounts)
  | { status: 'failed'; error: string };

/**
 * Merges the copy kept in `storage` under `dbName` into `adapter`. Undefined
 * when there was nothing to bring; never throws: a failed merge leaves the
 * copy untouched for the next open and says why.
 */
export async function mergeFallbackIntoIndexedDB(
  adapter: IndexedDBAdapter,
  opts: { dbName: string; storage: Storage | undefined; now: () => number },
): Promise<FallbackMergeReport | undefined> {
  const { dbName, now } = opts;
  const storage = opts.storage ?? globalStorage();
  if (!storage || !hasCopy(storage, dbName)) return undefined;
  return withStorageLock(dbName, async (): Promise<FallbackMergeReport | undefined> => {
    try {
      const copy = readFallbackCopy(storage, dbName, now);
      if (!copy) return undefined;
      const counts = await adapter[mergeFallbackCopy](copy);
      try {
        if (removeFallbackCopy(storage, dbName, copy, adapter.clientId)) {
          // The search index kept beside the copy: the index in IndexedDB takes over (losing it costs a rebuild).
          storage.removeItem(localStorageSearchKey(dbName));
        }
      } catch {
        // Merged all the same; the next open finds the copy, merges nothing new and removes it.
      }
      const brought = counts.conversations + counts.messages + counts.deletions + counts.conflicts;
      return brought > 0 ? { status: 'merged', ...counts } : undefined;
    } catch (error) {
      return {
        status: 'failed',
        error: `The chat history saved in this browser's localStorage while IndexedDB was unavailable could not be brought into IndexedDB: ${error instanceof Error ? error.message : String(error)} It is left where it is, and Chatkeep tries again the next time it opens.`,
      };
    }
  });
}

function hasCopy(storage: Storage, dbName: string): boolean {
  try {
    return storage.getItem(new Keys(dbName).meta) !== null;
  } catch {
    return false;
  }
}

function globalStorage(): Storage | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    // Site data blocked: there can be no copy either.
    return undefined;
  }
}
