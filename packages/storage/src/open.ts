// The one way in: the best storage this browser offers. IndexedDB holds far
// more and writes without rewriting whole conversations; localStorage is the
// fallback for browsers where IndexedDB is missing or refuses to open. An
// IndexedDB held at an older version by another tab is no reason to fall
// back: that rejects with 'blocked' (StorageBlockedError), and what an
// earlier fallback wrote is merged back once IndexedDB opens (fallback-merge.ts).
import { ChatStorageError } from './errors.js';
import { type FallbackMergeReport, mergeFallbackIntoIndexedDB } from './fallback-merge.js';
import { IndexedDBAdapter } from './indexeddb/index.js';
import { LocalStorageAdapter } from './localstorage/index.js';
import type { StorageKind, SyncableChatStorage } from './types.js';

export interface OpenChatStorageOptions {
  /** Database name (IndexedDB) and key prefix (localStorage). Default 'chatkeep'. */
  dbName?: string;
  /** Which storage to try first; the other is still tried if it fails. Default 'indexeddb'. */
  prefer?: StorageKind;
  /** Default: the global `indexedDB`. */
  indexedDB?: IDBFactory;
  /** Default: the global `localStorage`. */
  storage?: Storage;
  /** Wall clock in ms, for record times and sync stamps. Default Date.now. */
  now?: () => number;
  /** How long a blocked IndexedDB open waits for other tabs to let go before rejecting. Default 1000 ms. */
  blockedGraceMs?: number;
  /**
   * Called (before the promise resolves) when history kept in localStorage
   * while IndexedDB was unavailable was merged into IndexedDB, or could not be.
   */
  onFallbackMerged?: (report: FallbackMergeReport) => void;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A throwing callback must not make an open IndexedDB look unusable. */
function tellFallbackMerged(
  listener: OpenChatStorageOptions['onFallbackMerged'],
  report: FallbackMergeReport,
): void {
  try {
    listener?.(report);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** Opens chat storage; the result's `kind` says which storage it uses. */
export async function openChatStorage(opts: OpenChatStorageOptions = {}): Promise<SyncableChatStorage> {
  const { dbName = 'chatkeep', prefer = 'indexeddb', indexedDB, storage, blockedGraceMs } = opts;
  const now = opts.now ?? Date.now;
  if (prefer !== 'indexeddb' && prefer !== 'localstorage') {
    throw new ChatStorageError(
      'invalid-input',
      `openChatStorage: prefer must be 'indexeddb' or 'localstorage', got ${JSON.stringify(prefer)}.`,
    );
  }
  const openers: Record<StorageKind, () => Promise<SyncableChatStorage>> = {
    indexeddb: async () => {
      const adapter = await IndexedDBAdapter.open({ dbName, indexedDB, now, blockedGraceMs });
      const report = await mergeFallbackIntoIndexedDB(adapter, { dbName, storage, now });
      if (report) tellFallbackMerged(opts.onFallbackMerged, report);
      return adapter;
    },
    localstorage: () => LocalStorageAdapter.open({ dbName, storage, now }),
  };
  const order: StorageKind[] =
    prefer === 'indexeddb' ? ['indexeddb', 'localstorage'] : ['localstorage', 'indexeddb'];
  const failures: string[] = [];
  for (const kind of order) {
    try {
      return await openers[kind]();
    } catch (error) {
      // Bad options are the caller's to fix, and a blocked open is the other tab's to release;
      // anything else means this storage cannot be used here.
      if (error instanceof ChatStorageError && (error.code === 'invalid-input' || error.code === 'blocked')) {
        throw error;
      }
      failures.push(`${kind === 'indexeddb' ? 'IndexedDB' : 'localStorage'}: ${reason(error)}`);
    }
  }
  throw new ChatStorageError(
    'unavailable',
    `This browser lets Chatkeep keep no chat history: ${failures.join(' ')} This happens in some private browsing modes and when site data is blocked; allow site data for this page or use a normal window.`,
  );
}
