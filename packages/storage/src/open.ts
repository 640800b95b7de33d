// The one way in: the best storage this browser offers. IndexedDB holds far
// more and writes without rewriting whole conversations; localStorage is the
// fallback for browsers where IndexedDB is missing, refuses to open, or is
// held at an older version by another tab.
import { ChatStorageError } from './errors.js';
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
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Opens chat storage; the result's `kind` says which storage it uses. */
export async function openChatStorage(opts: OpenChatStorageOptions = {}): Promise<SyncableChatStorage> {
  const { dbName = 'chatkeep', prefer = 'indexeddb', indexedDB, storage, now } = opts;
  if (prefer !== 'indexeddb' && prefer !== 'localstorage') {
    throw new ChatStorageError(
      'invalid-input',
      `openChatStorage: prefer must be 'indexeddb' or 'localstorage', got ${JSON.stringify(prefer)}.`,
    );
  }
  const openers: Record<StorageKind, () => Promise<SyncableChatStorage>> = {
    indexeddb: () => IndexedDBAdapter.open({ dbName, indexedDB, now }),
    localstorage: () => LocalStorageAdapter.open({ dbName, storage, now }),
  };
  const order: StorageKind[] =
    prefer === 'indexeddb' ? ['indexeddb', 'localstorage'] : ['localstorage', 'indexeddb'];
  const failures: string[] = [];
  for (const kind of order) {
    try {
      return await openers[kind]();
    } catch (error) {
      // Bad options are the caller's to fix; anything else means this storage cannot be used here.
      if (error instanceof ChatStorageError && error.code === 'invalid-input') throw error;
      failures.push(`${kind === 'indexeddb' ? 'IndexedDB' : 'localStorage'}: ${reason(error)}`);
    }
  }
  throw new ChatStorageError(
    'unavailable',
    `This browser lets Chatkeep keep no chat history: ${failures.join(' ')} This happens in some private browsing modes and when site data is blocked; allow site data for this page or use a normal window.`,
  );
}
