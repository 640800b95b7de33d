// The way out, next to the way in (open.ts): removes everything Chatkeep
// keeps in this browser under one name — the IndexedDB history, its search
// index, and the localStorage fallback's keys — without touching any server.
import { ChatStorageError } from './errors.js';
import { Keys } from './localstorage/layout.js';
import { localStorageSearchKey } from './search/persist.js';

export interface DeleteChatStorageOptions {
  /** The name given to openChatStorage. Default 'chatkeep'. */
  dbName?: string;
  /** Default: the global `indexedDB`. */
  indexedDB?: IDBFactory;
  /** Default: the global `localStorage`. */
  storage?: Storage;
  /** How long to wait for other tabs to let go of the database. Default 10 s. */
  blockedTimeoutMs?: number;
}

/**
 * Deletes this browser's copy of the history. Close the adapter first; other
 * tabs' connections close themselves when asked (they then need a reload).
 */
export async function deleteChatStorage(opts: DeleteChatStorageOptions = {}): Promise<void> {
  const dbName = opts.dbName ?? 'chatkeep';
  const factory = opts.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory) {
    for (const name of [dbName, `${dbName}-search`]) {
      await deleteDatabase(factory, name, opts.blockedTimeoutMs ?? 10_000);
    }
  }
  const storage = opts.storage ?? (globalThis as { localStorage?: Storage }).localStorage;
  if (storage) {
    const prefix = new Keys(dbName).prefix;
    const doomed: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null && (key.startsWith(prefix) || key === localStorageSearchKey(dbName))) doomed.push(key);
    }
    for (const key of doomed) storage.removeItem(key);
  }
}

function deleteDatabase(factory: IDBFactory, name: string, blockedTimeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => clearTimeout(timer);
    request.onsuccess = () => {
      done();
      resolve();
    };
    request.onerror = () => {
      done();
      reject(
        new ChatStorageError(
          'unavailable',
          `The browser refused to delete the database "${name}" (${request.error?.message ?? 'unknown error'}). Close Chatkeep's other tabs and try again.`,
          { cause: request.error },
        ),
      );
    };
    request.onblocked = () => {
      // Still pending: it completes once the other connections close.
      timer ??= setTimeout(
        () =>
          reject(
            new ChatStorageError(
              'unavailable',
              `Another tab keeps the database "${name}" open. Close Chatkeep's other tabs and try again.`,
            ),
          ),
        blockedTimeoutMs,
      );
    };
  });
}
