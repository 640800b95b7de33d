// The one way a store is opened from the settings: PostgreSQL when a
// database URL is given, the embedded SQLite file otherwise.
import type { SyncStore } from './types.js';

export interface StoreSettings {
  /** Holds chatkeep.sqlite when there is no databaseUrl. */
  dataDir: string;
  /** A postgres:// URL (CHATKEEP_DATABASE_URL). */
  databaseUrl?: string;
  log?: (line: string) => void;
}

export async function openStore(settings: StoreSettings): Promise<SyncStore> {
  // Each driver is loaded only when used: a process holds one of them, not both.
  if (settings.databaseUrl) {
    const { PgSyncStore } = await import('./pg.js');
    return PgSyncStore.open({ connectionString: settings.databaseUrl, log: settings.log });
  }
  const { SqliteSyncStore } = await import('./sqlite.js');
  return new SqliteSyncStore(settings.dataDir);
}
