import { type ChatStorageAdapter, newId, openChatStorage } from '@chatkeep/storage';

/** A fresh IndexedDB (fake-indexeddb in Node) per test: the real adapter, no shared state. */
export async function openTestStorage(): Promise<ChatStorageAdapter> {
  return openChatStorage({ dbName: `ui-test-${newId()}` });
}
