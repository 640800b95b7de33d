// The one way a store is opened from the settings: PostgreSQL when a
// database URL is given, the embedded SQLite file otherwise.
import { SqliteSyncStore } from './sqlite.js';
import type { SyncStore } from './types.js';

export interface StoreSettings {
  /** Holds chatkeep.sqlite when there is no databaseUrl. */
  dataDir: string;
  /** A postgres:// URL (CHATKEEP_DATABASE_URL). */
  databaseUrl?: string;
  log?: (line: string) => void;
}

export async function openStore(settings: StoreSettings): Promise<SyncStore> {
  if (settings.databaseUrl) {
    // Loaded only when used: a SQLite server (and the admin CLI) starts without the pg driver.
    const { PgSyncStore } = await import('./pg.js');
    return PgSyncStore.open({ connectionString: settings.databaseUrl, log: settings.log });
  }
  return new SqliteSyncStore(settings.dataDir);
}
