// Brings over the history the earlier LeanSpec chat left in localStorage. Its
// own module so that the migration code loads only when it runs, after the
// first paint.
import { type ChatStorageAdapter, migrateLegacyHistory } from '@chatkeep/storage';
import type { MigrationNotice } from '../data/boot.js';
import { DEFAULT_PROJECT } from '../data/ui-store.js';

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
