// What every figure of the page shares: the dataset spec, the opened
// Chatkeep adapter and Dexie baseline, and the id of the long conversation.
import { IndexedDBAdapter } from '@chatkeep/storage';
import { bigConversationIndex, type DatasetSpec, generateConversation } from '../shared/dataset.js';
import { DexieBaseline } from './dexie-baseline.js';
import { LegacyBlob } from './legacy-baseline.js';

/** The app's own database name: the cold-start figure opens the app on the same data. */
export const CHATKEEP_DB = 'chatkeep';
export const DEXIE_DB = 'bench-dexie';

export interface BenchContext {
  spec: DatasetSpec;
  chatkeep: IndexedDBAdapter;
  dexie: DexieBaseline;
  bigConversationId: string;
}

let current: BenchContext | undefined;

export async function openContext(spec: DatasetSpec): Promise<BenchContext> {
  if (current && JSON.stringify(current.spec) === JSON.stringify(spec)) return current;
  await closeContext();
  const chatkeep = await IndexedDBAdapter.open({ dbName: CHATKEEP_DB });
  const dexie = await DexieBaseline.open(DEXIE_DB);
  const bigConversationId = generateConversation(spec, bigConversationIndex(spec)).conversation.id;
  current = { spec, chatkeep, dexie, bigConversationId };
  return current;
}

export function context(): BenchContext {
  if (!current) throw new Error('call bench.load(spec) first');
  return current;
}

export async function closeContext(): Promise<void> {
  if (!current) return;
  await current.chatkeep.close();
  current.dexie.close();
  current = undefined;
}

/** Leaves only Chatkeep's database on the origin, as in a real user's browser. */
export async function dropBaselines(): Promise<void> {
  await closeContext();
  await deleteDatabase(DEXIE_DB);
  new LegacyBlob().clear();
}

/**
 * Deletes an IndexedDB database and waits until it is gone. A connection
 * still closing only delays the delete ("blocked"), so only a long wait fails.
 */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    const timer = setTimeout(() => reject(new Error(`deleting ${name} stayed blocked for 30 s`)), 30_000);
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(request.error);
    };
  });
}

/** Lets the event loop and the IndexedDB backend settle between measured runs. */
export function pause(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
