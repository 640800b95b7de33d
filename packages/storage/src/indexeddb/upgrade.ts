// Explicit schema steps: a database of any older version is upgraded in
// place, one step at a time, inside the versionchange transaction.
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { createHlcClock } from '../hlc.js';
import { newId } from '../ids.js';
import type { ChatkeepSchema, ChatkeepSchemaV1, StoredSyncMetadata } from './schema.js';

type UpgradeTx = IDBPTransaction<ChatkeepSchema, StoreNames<ChatkeepSchema>[], 'versionchange'>;

/** v1: conversations, messages and projects. */
export function createV1(db: IDBPDatabase<ChatkeepSchemaV1>): void {
  const conversations = db.createObjectStore('conversations', { keyPath: 'id' });
  conversations.createIndex('byProjectUpdated', ['projectId', 'updatedAt']);
  const messages = db.createObjectStore('messages', { keyPath: 'id' });
  messages.createIndex('byConversationCreated', ['conversationId', 'createdAt', 'id']);
  db.createObjectStore('projects', { keyPath: 'id' });
}

/**
 * v2: sync bookkeeping. History written before sync existed gets pending
 * metadata, so it uploads once sync is turned on.
 */
export async function upgradeToV2(
  db: IDBPDatabase<ChatkeepSchema>,
  tx: UpgradeTx,
  now: () => number,
): Promise<void> {
  const metaStore = db.createObjectStore('sync_metadata', { keyPath: ['kind', 'id'] });
  metaStore.createIndex('outbox', 'outbox');
  db.createObjectStore('conflicts', { keyPath: 'id' }).createIndex('byDetected', ['detectedAt', 'id']);
  db.createObjectStore('meta');

  const clientId = newClientId();
  const clock = createHlcClock({ clientId, now });
  const sync = tx.objectStore('sync_metadata');
  const pending = (kind: 'conversation' | 'message', id: string, projectId: string): StoredSyncMetadata => {
    const hlc = clock.next();
    return { kind, id, projectId, hlc, deleted: false, syncStatus: 'pending', outbox: hlc };
  };
  // Conversations first, so a fresh upload never sends a message before its conversation.
  for await (const cursor of tx.objectStore('conversations')) {
    await sync.put(pending('conversation', cursor.value.id, cursor.value.projectId));
  }
  for await (const cursor of tx.objectStore('messages').index('byConversationCreated')) {
    await sync.put(pending('message', cursor.value.id, cursor.value.projectId));
  }
  const meta = tx.objectStore('meta');
  await meta.put(clientId, 'clientId');
  if (clock.last) await meta.put(clock.last, 'clock');
}

/** A client id for HLC stamps: a UUIDv7 without dashes. */
export function newClientId(): string {
  return newId().replaceAll('-', '');
}

/** Runs every step between the stored version and the current one. */
export async function upgradeDatabase(
  db: IDBPDatabase<ChatkeepSchema>,
  oldVersion: number,
  tx: UpgradeTx,
  now: () => number,
): Promise<void> {
  if (oldVersion < 1) createV1(db as unknown as IDBPDatabase<ChatkeepSchemaV1>);
  if (oldVersion < 2) await upgradeToV2(db, tx, now);
}
