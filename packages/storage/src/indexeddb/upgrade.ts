// Explicit schema steps: a database of any older version is upgraded in
// place, one step at a time, inside the versionchange transaction.
import { type IDBPDatabase, type IDBPTransaction, type StoreNames, unwrap } from 'idb';
import { createHlcClock } from '../hlc.js';
import { newId } from '../ids.js';
import { implicitProject } from '../projects.js';
import type { Message, Project } from '../types.js';
import type { ChatkeepSchema, ChatkeepSchemaV1, MessageV1, StoredSyncMetadata } from './schema.js';

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

/** Messages read per request while upgrading: bounds memory whatever the history's size. */
const UPGRADE_CHUNK = 2000;

/**
 * v3: conversations are trees. Each message's parentId becomes the message
 * before it in time in its conversation (null for the first), so every
 * history stays the one branch it was; `byParent` lists children. Runs in
 * the versionchange transaction, so a second tab waits for it and a failure
 * leaves the database at version 2. Records are read in chunks of the
 * chronological index and written without waiting on each put.
 *
 * The new field is not stamped for sync: every device derives the same
 * parentId from the same messages, and pushing a whole history again would
 * cost more than it brings.
 */
export async function upgradeToV3(tx: UpgradeTx): Promise<void> {
  const raw = unwrap(tx) as IDBTransaction;
  const store = raw.objectStore('messages');
  store.createIndex('byParent', ['parentId', 'createdAt', 'id']);
  const index = store.index('byConversationCreated');
  let previous: { id: string; conversationId: string } | undefined;
  let after: IDBValidKey | undefined;
  for (;;) {
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const chunk = await new Promise<(MessageV1 & { parentId?: string | null })[]>((resolve, reject) => {
      const request = index.getAll(range, UPGRADE_CHUNK);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (chunk.length === 0) return;
    for (const m of chunk) {
      // Already a tree (a database written by this version): nothing to do for it.
      if (m.parentId === undefined) {
        const parentId = previous?.conversationId === m.conversationId ? previous.id : null;
        store.put({ ...m, parentId } satisfies Message);
      }
      previous = { id: m.id, conversationId: m.conversationId };
    }
    const last = chunk.at(-1)!;
    after = [last.conversationId, last.createdAt, last.id];
  }
}

/**
 * v4: projects have names. Every project id already in use keeps its id
 * and gets a record named after it, so nothing else needs rewriting. Not
 * stamped for sync: every device derives the same record from the same id.
 */
export async function upgradeToV4(tx: UpgradeTx, now: () => number): Promise<void> {
  // Each record is dated by its project's oldest conversation.
  const oldest = new Map<string, number>();
  for await (const cursor of tx.objectStore('conversations')) {
    const { projectId, createdAt } = cursor.value;
    oldest.set(projectId, Math.min(oldest.get(projectId) ?? createdAt, createdAt));
  }
  const at = now();
  for await (const cursor of tx.objectStore('projects')) {
    const record = cursor.value as Partial<Project> & { id: string };
    if (typeof record.name !== 'string') {
      await cursor.update(implicitProject(record.id, oldest.get(record.id) ?? at));
    }
  }
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
  if (oldVersion < 3) await upgradeToV3(tx);
  if (oldVersion < 4) await upgradeToV4(tx, now);
}
