// Real IndexedDB adapters over fake-indexeddb for the search, export and
// import tests: a fresh database per call, two opens of one name share data
// (like two tabs), all closed after each test.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach } from 'vitest';
import { IndexedDBAdapter } from '../../indexeddb/index.js';
import { LocalStorageAdapter } from '../../localstorage/adapter.js';
import { MemoryStorage } from '../../test-support/memory-storage.js';
import type { ConversationInput, MessageInput, Role } from '../../types.js';

export const indexedDB = new IDBFactory();
const opened: { close(): Promise<void> | void }[] = [];
let sequence = 0;

afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

export function newDbName(prefix = 'db'): string {
  return `${prefix}-${Date.now().toString(36)}-${(sequence++).toString(36)}`;
}

export async function openDb(dbName = newDbName()): Promise<IndexedDBAdapter> {
  const adapter = await IndexedDBAdapter.open({ dbName, indexedDB });
  opened.push(adapter);
  return adapter;
}

const storages = new Map<string, MemoryStorage>();

/** The localStorage adapter over an in-memory Storage shared by every open of `dbName`. */
export async function openLocalDb(dbName = newDbName()): Promise<LocalStorageAdapter> {
  const storage = storages.get(dbName) ?? new MemoryStorage();
  storages.set(dbName, storage);
  const adapter = await LocalStorageAdapter.open({ dbName, storage });
  opened.push(adapter);
  return adapter;
}

/** Closes `item` after the test (before the adapters it uses). */
export function track<T extends { close(): Promise<void> | void }>(item: T): T {
  opened.push(item);
  return item;
}

/** A conversation with `texts.length` messages, alternating user and assistant, one second apart. */
export function conversationWith(
  id: string,
  texts: string[],
  opts: { projectId?: string; title?: string; start?: number } = {},
): { conversation: ConversationInput; messages: MessageInput[] } {
  const projectId = opts.projectId ?? 'default';
  const start = opts.start ?? Date.UTC(2025, 0, 1);
  return {
    conversation: {
      id,
      projectId,
      title: opts.title ?? `Conversation ${id}`,
      createdAt: start,
      updatedAt: start,
    },
    messages: texts.map((content, i) => ({
      id: `${id}-m${String(i).padStart(6, '0')}`,
      conversationId: id,
      projectId,
      role: (i % 2 === 0 ? 'user' : 'assistant') as Role,
      content,
      createdAt: start + i * 1000,
      updatedAt: start + i * 1000,
    })),
  };
}
