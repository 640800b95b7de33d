// First-run work once storage is open: ask the browser to keep our data
// (persistent storage is not evicted under pressure) and bring over the
// history the earlier LeanSpec chat left in localStorage.
import { type ChatStorageAdapter, migrateLegacyHistory } from '@chatkeep/storage';
import { DEFAULT_PROJECT } from './ui-store.js';

export type MigrationNotice =
  | { status: 'migrated'; conversations: number; messages: number; projectId: string }
  | { status: 'failed'; error: string };

export async function requestPersistentStorage(): Promise<boolean | undefined> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return undefined;
  try {
    if (await storage.persisted?.()) return true;
    return await storage.persist();
  } catch {
    return undefined;
  }
}

/** Safe to run on every start: once migrated, the old keys are gone and nothing happens. */
export async function migrateLegacy(adapter: ChatStorageAdapter): Promise<MigrationNotice | undefined> {
  const result = await migrateLegacyHistory(adapter, { projectId: DEFAULT_PROJECT });
  if (result.status === 'migrated') {
    return {
      status: 'migrated',
      conversations: result.conversationIds.length,
      messages: result.messages,
      projectId: DEFAULT_PROJECT,
    };
  }
  if (result.status === 'failed') {
    return { status: 'failed', error: result.error ?? 'unknown error' };
  }
  return undefined;
}
