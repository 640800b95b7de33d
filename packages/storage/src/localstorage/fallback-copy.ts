// The localStorage database as one copy to hand over to IndexedDB: what was
// written here while IndexedDB could not be used. Read whole (records with
// their stamps, tombstones, conflicts), and removed only once it is known to
// be in IndexedDB and unchanged since it was read.
import { ChatStorageError } from '../errors.js';
import { createHlcClock, isValidClientId } from '../hlc.js';
import { syncedPart } from '../records.js';
import type { Message, SyncConflict, SyncedConversation, SyncMetadata } from '../types.js';
import { Keys, LAYOUT_VERSION, type StoredMeta } from './layout.js';
import { Session } from './session.js';
import { corrupted, KeyValueTx, parseStored } from './transaction.js';

/** One record of the copy: its sync entry and its data (null for a tombstone). */
export interface FallbackRecord {
  meta: SyncMetadata;
  data: SyncedConversation | Message | null;
}

export interface FallbackCopy {
  /** The copy's own client id: the stamps it made carry it. */
  clientId: string;
  /** The greatest stamp it made or saw. */
  clock: string | undefined;
  /** Every record, oldest stamp first: the order the writes were made in. */
  records: FallbackRecord[];
  conflicts: SyncConflict[];
  projects: string[];
  /** Every key of the copy with its text, to tell later whether anything changed since. */
  raw: Map<string, string>;
}

/**
 * Reads the copy kept under `chatkeep:<dbName>:`. Undefined when there is
 * none (or only the marker of one already merged, whose leftovers are removed).
 */
export function readFallbackCopy(
  storage: Storage,
  dbName: string,
  now: () => number,
): FallbackCopy | undefined {
  const keys = new Keys(dbName);
  const metaText = storage.getItem(keys.meta);
  if (metaText === null) return undefined;
  const meta = parseStored(keys.meta, metaText) as StoredMeta;
  if (typeof meta !== 'object' || meta === null || !isValidClientId(String(meta.clientId))) {
    throw corrupted(keys.meta, 'does not hold a valid client id');
  }
  if (meta.mergedInto !== undefined) {
    // Merged before, and removing it was cut short: finish that.
    removeAll(storage, keys);
    return undefined;
  }
  if (typeof meta.layout !== 'number' || meta.layout > LAYOUT_VERSION) {
    throw new ChatStorageError(
      'unavailable',
      `The chat data in localStorage ("${keys.prefix}…") was written by a newer version of Chatkeep (layout ${String(meta.layout)}); update the app to bring it into your history.`,
    );
  }
  const raw = new Map<string, string>();
  for (const key of keysOf(storage, keys)) raw.set(key, storage.getItem(key) ?? '');

  const clock = createHlcClock({ clientId: meta.clientId, now, last: meta.clock });
  const s = new Session(new KeyValueTx(storage), keys, clock, 'local');
  const records: FallbackRecord[] = [];
  // Every write here stamps its record; one found without a stamp still comes over, as a write of now.
  const metaOf = (kind: SyncMetadata['kind'], id: string, projectId: string, found?: SyncMetadata) =>
    found ?? { kind, id, projectId, hlc: clock.next(), deleted: false, syncStatus: 'pending' as const };
  for (const conversationId of s.conversationIds()) {
    const entry = s.entry(conversationId)!;
    if (entry.conversation) {
      const c = entry.conversation;
      records.push({ meta: metaOf('conversation', c.id, c.projectId, entry.meta), data: syncedPart(c) });
    }
    for (const m of entry.messages) {
      records.push({ meta: metaOf('message', m.id, m.projectId, entry.messageMetas[m.id]), data: m });
    }
  }
  for (const tombstone of Object.values(s.tombstones())) records.push({ meta: tombstone, data: null });
  records.sort((a, b) => (a.meta.hlc < b.meta.hlc ? -1 : a.meta.hlc > b.meta.hlc ? 1 : 0));
  return {
    clientId: meta.clientId,
    clock: clock.last,
    records,
    conflicts: s.conflicts(),
    projects: s.projects(),
    raw,
  };
}

/**
 * Called once the copy is committed to IndexedDB. Removes it when every key
 * still holds what was read; false (nothing removed) when something wrote
 * here since, so the next open merges again. The meta key is marked first
 * and removed last: a removal cut short is finished by the next reader.
 */
export function removeFallbackCopy(
  storage: Storage,
  dbName: string,
  copy: FallbackCopy,
  mergedInto: string,
): boolean {
  const keys = new Keys(dbName);
  const now = keysOf(storage, keys);
  if (now.length !== copy.raw.size || now.some((key) => storage.getItem(key) !== copy.raw.get(key)))
    return false;
  const meta = JSON.parse(copy.raw.get(keys.meta)!) as StoredMeta;
  try {
    storage.setItem(keys.meta, JSON.stringify({ ...meta, mergedInto }));
  } catch {
    // localStorage is full: removing frees it. Unmarked, a removal cut short only means merging the rest again.
  }
  removeAll(storage, keys);
  return true;
}

/** Removes every key of the copy, the meta key last. */
export function removeAll(storage: Storage, keys: Keys): void {
  for (const key of keysOf(storage, keys)) if (key !== keys.meta) storage.removeItem(key);
  storage.removeItem(keys.meta);
}

function keysOf(storage: Storage, keys: Keys): string[] {
  const found: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(keys.prefix)) found.push(key);
  }
  return found;
}
