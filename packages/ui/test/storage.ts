import { type ChatStorageAdapter, newId, openChatStorage, type StorageKind } from '@chatkeep/storage';

/** A fresh database per test (fake-indexeddb or happy-dom's localStorage in Node): the real adapter, no shared state. */
export async function openTestStorage(prefer: StorageKind = 'indexeddb'): Promise<ChatStorageAdapter> {
  return openChatStorage({ dbName: `ui-test-${newId()}`, prefer });
}
