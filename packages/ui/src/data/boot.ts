// First-run work once storage is open: ask the browser to keep our data
// (persistent storage is not evicted under pressure) and bring over the
// history the earlier LeanSpec chat left in localStorage (legacy-migration.ts,
// loaded after the first paint).

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
