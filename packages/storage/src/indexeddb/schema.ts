// The IndexedDB schema as types: every store, key, index and value is checked.
import type { DBSchema } from 'idb';
import type { Conversation, Message, RecordKind, SyncConflict, SyncMetadata } from '../types.js';

export const DB_VERSION = 2;

/** A project exists as soon as any record of it is written, until clearProject. */
export interface ProjectRecord {
  id: string;
}

/**
 * A sync_metadata entry as stored. `outbox` repeats the stamp only while the
 * record waits to be pushed (pending and not rejected): the `outbox` index is
 * sparse, so listing and counting the outbox never reads synced entries.
 */
export interface StoredSyncMetadata extends SyncMetadata {
  outbox?: string;
}

/** Version 1: history only, before sync existed. */
export interface ChatkeepSchemaV1 extends DBSchema {
  conversations: {
    key: string;
    value: Conversation;
    indexes: { byProjectUpdated: [string, number] };
  };
  messages: {
    key: string;
    value: Message;
    indexes: { byConversationCreated: [string, number, string] };
  };
  projects: { key: string; value: ProjectRecord };
}

/** Small values the adapter keeps about itself. */
export interface MetaValues {
  clientId: string;
  /** The greatest HLC stamp made or seen, so the clock resumes after a reload. */
  clock: string;
  /** The server's pull cursor. */
  cursor: string;
}

/** Version 2: sync bookkeeping. */
export interface ChatkeepSchema extends ChatkeepSchemaV1 {
  sync_metadata: {
    key: [RecordKind, string];
    value: StoredSyncMetadata;
    indexes: { outbox: string };
  };
  conflicts: {
    key: string;
    value: SyncConflict;
    indexes: { byDetected: [number, string] };
  };
  meta: { key: keyof MetaValues; value: string };
}

export type WriteStore = 'conversations' | 'messages' | 'projects' | 'sync_metadata' | 'conflicts' | 'meta';
export const ALL_STORES: WriteStore[] = [
  'conversations',
  'messages',
  'projects',
  'sync_metadata',
  'conflicts',
  'meta',
];
