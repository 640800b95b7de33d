// Account keys and shares as both stores keep them: one row shape (the
// column names of both schemas) and its mapping to the store-independent
// records. SQLite has no boolean type, so `encrypted` arrives as 0 or 1 there.
import type { AccountKeysRecord, ShareRecord } from './types.js';

export interface KeysRow {
  material: string | null;
  encrypted: boolean | 0 | 1;
  revision: number;
  updated_at: number;
}

export interface ShareRow {
  id: string;
  user_id: string;
  data: string | null;
  size: number;
  created_at: number;
  revoked_at: number | null;
}

const NO_KEYS: AccountKeysRecord = { material: null, encrypted: false, revision: 0, updatedAt: 0 };

export function toKeys(row: KeysRow | undefined): AccountKeysRecord {
  if (!row) return NO_KEYS;
  return {
    material: row.material,
    encrypted: row.encrypted === true || row.encrypted === 1,
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}

export function toShare(row: ShareRow): ShareRecord {
  return {
    id: row.id,
    userId: row.user_id,
    data: row.data,
    size: row.size,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
