// A session as both stores keep it: one row shape (the column names of both
// schemas) and its mapping to the store-independent SessionRecord.
import type { SessionRecord } from './types.js';

export interface SessionRow {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  last_used_at: number;
  user_agent: string | null;
}

export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    userId: row.user_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    userAgent: row.user_agent,
  };
}
