// The IndexedDB schema as types: every store, key, index and value is checked.
import type { DBSchema } from 'idb';
import type { Conversation, Message, Project, RecordKind, SyncConflict, SyncMetadata } from '../types.js';

export const DB_VERSION = 4;

/** Versions 1-3: a project existed as soon as any record of it was written, with no name. */
export interface ProjectRecordV1 {
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

/** A message as versions 1 and 2 stored it: before conversations were trees. */
export type MessageV1 = Omit<Message, 'parentId'>;

/** Version 1: history only, before sync existed. */
export interface ChatkeepSchemaV1 extends DBSchema {
  conversations: {
    key: string;
    value: Conversation;
    indexes: { byProjectUpdated: [string, number] };
  };
  messages: {
    key: string;
    value: MessageV1;
    indexes: { byConversationCreated: [string, number, string] };
  };
  projects: { key: string; value: ProjectRecordV1 };
}

/** Small values the adapter keeps about itself. */
export interface MetaValues {
  clientId: string;
  /** The greatest HLC stamp made or seen, so the clock resumes after a reload. */
  clock: string;
  /** The server's pull cursor. */
  cursor: string;
  /** A fresh device's download progress (JSON, see bootstrap-progress.ts). */
  bootstrap: string;
  /** JSON list of the [kind, id] keys of refused and device-only sync entries (sync.ts). */
  refused: string;
  /** JSON list of the quarantine reports (quarantine-reports.ts). */
  quarantine: string;
}

/** Version 2: sync bookkeeping. */
export interface ChatkeepSchemaV2 extends ChatkeepSchemaV1 {
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

/**
 * Version 3: conversations are message trees. Every message has a
 * parentId; `byParent` lists a message's children (versions of the next
 * message) oldest first. Roots (parentId null) are not in it: IndexedDB
 * leaves out records whose key would hold null.
 */
export interface ChatkeepSchema extends DBSchema {
  conversations: ChatkeepSchemaV2['conversations'];
  messages: {
    key: string;
    value: Message;
    indexes: { byConversationCreated: [string, number, string]; byParent: [string, number, string] };
  };
  /** Version 4: every project has a record with its name (projects.ts). */
  projects: { key: string; value: Project };
  sync_metadata: ChatkeepSchemaV2['sync_metadata'];
  conflicts: ChatkeepSchemaV2['conflicts'];
  meta: ChatkeepSchemaV2['meta'];
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
