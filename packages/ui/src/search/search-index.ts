// One search index per open storage. The storage package keeps it current
// (it follows the adapter's change feed); the app only creates it once,
// looks it up, and closes it when the page goes away so its last updates
// are saved for the next start.
import {
  type ChatStorageAdapter,
  createSearchIndex,
  openSearchIndexStore,
  type SearchIndex,
} from '@chatkeep/storage';

/** Must match the name storage was opened with (openChatStorage's default). */
export const HISTORY_DB_NAME = 'chatkeep';

const indexes = new WeakMap<ChatStorageAdapter, Promise<SearchIndex>>();

async function open(adapter: ChatStorageAdapter, dbName: string): Promise<SearchIndex> {
  // History kept in localStorage (no usable IndexedDB) leaves it the quota:
  // the index then lives in memory and is rebuilt on each start.
  const persist =
    adapter.kind === 'indexeddb' ? await openSearchIndexStore({ dbName }).catch(() => undefined) : undefined;
  return createSearchIndex(adapter, {
    persist,
    onError: (error) => console.warn('Chatkeep search index:', error),
  });
}

/** The adapter's search index, created on first use. */
export function getSearchIndex(adapter: ChatStorageAdapter, dbName = HISTORY_DB_NAME): Promise<SearchIndex> {
  let index = indexes.get(adapter);
  if (!index) {
    index = open(adapter, dbName);
    indexes.set(adapter, index);
  }
  return index;
}

/** Closes the adapter's index (saving it if it changed); the next use opens a fresh one. */
export async function closeSearchIndex(adapter: ChatStorageAdapter): Promise<void> {
  const index = indexes.get(adapter);
  if (!index) return;
  indexes.delete(adapter);
  await (await index).close();
}
