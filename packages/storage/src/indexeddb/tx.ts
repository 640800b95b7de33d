// Building blocks every write transaction uses: the shared clock, sync
// metadata entries, derived conversation summaries and the change report.

import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { unwrap } from 'idb';
import type { ChangeFeed } from '../change-feed.js';
import { createHlcClock, type HlcClock } from '../hlc.js';
import { implicitProject } from '../projects.js';
import { withSummary } from '../records.js';
import { localWriteStatus } from '../sync/refusals.js';
import type { Conversation, Message, RecordKind, StorageChange } from '../types.js';
import { BranchReader } from './branch.js';
import { readBack } from './read-back.js';
import type { ChatkeepSchema, StoredSyncMetadata, WriteStore } from './schema.js';

export type Db = IDBPDatabase<ChatkeepSchema>;
export type WriteTx = IDBPTransaction<ChatkeepSchema, WriteStore[], 'readwrite'>;

type StampedRecord = { kind: RecordKind; id: string; projectId: string; deleted: boolean };

/** What a transaction body gets: the transaction, its change report, and a clock that is saved at the end. */
export interface WriteScope {
  tx: WriteTx;
  changes: ChangeSet;
  stamp(record: StampedRecord): Promise<string>;
  /**
   * The same for many records at once, without a round trip per record.
   * With `absent`, the caller knows that none of the records has an entry
   * yet: nothing is read back, and each entry is added, so that an entry
   * stored after all fails the transaction instead of being overwritten.
   */
  stampMany(records: StampedRecord[], absent?: boolean): Promise<string[]>;
  /** A new stamp from the same clock, for a body that writes the sync entries itself. */
  nextStamp(): string;
}

/** Every key of one conversation's messages in the chronological index. */
export function conversationRange(conversationId: string): IDBKeyRange {
  // [id] sorts before every [id, createdAt, messageId]; [id, Infinity] after them.
  return IDBKeyRange.bound([conversationId], [conversationId, Number.POSITIVE_INFINITY]);
}

export function projectRange(projectId: string): IDBKeyRange {
  return IDBKeyRange.bound([projectId, Number.NEGATIVE_INFINITY], [projectId, Number.POSITIVE_INFINITY]);
}

/**
 * The clock for one transaction. Tabs of one database share a client id, so
 * each write resumes from the stamp persisted by whichever tab wrote last.
 */
export async function loadClock(tx: WriteTx, clientId: string, now: () => number): Promise<HlcClock> {
  const last = await tx.objectStore('meta').get('clock');
  return createHlcClock({ clientId, now, last });
}

export async function saveClock(tx: WriteTx, clock: HlcClock): Promise<void> {
  if (clock.last) await tx.objectStore('meta').put(clock.last, 'clock');
}

/**
 * The entry for a local write: pending at a new stamp, keeping what the
 * server last acknowledged. A record kept on this device only stays out of the outbox.
 */
export function pendingMeta(
  previous: StoredSyncMetadata | undefined,
  record: { kind: RecordKind; id: string; projectId: string; deleted: boolean },
  hlc: string,
): StoredSyncMetadata {
  const { kind, id, projectId, deleted } = record;
  const meta: StoredSyncMetadata =
    localWriteStatus(previous) === 'local-only'
      ? { kind, id, projectId, hlc, deleted, syncStatus: 'local-only' }
      : { kind, id, projectId, hlc, deleted, syncStatus: 'pending', outbox: hlc };
  if (previous?.version !== undefined) meta.version = previous.version;
  if (previous?.lastSyncedAt !== undefined) meta.lastSyncedAt = previous.lastSyncedAt;
  return meta;
}

/** The entry for a state the server already holds. */
export function syncedMeta(
  previous: StoredSyncMetadata | undefined,
  record: { kind: RecordKind; id: string; projectId: string; deleted: boolean },
  hlc: string,
  version: number | undefined,
  at: number | undefined,
): StoredSyncMetadata {
  const { kind, id, projectId, deleted } = record;
  const meta: StoredSyncMetadata = { kind, id, projectId, hlc, deleted, syncStatus: 'synced' };
  const v = version ?? previous?.version;
  const t = at ?? previous?.lastSyncedAt;
  if (v !== undefined) meta.version = v;
  if (t !== undefined) meta.lastSyncedAt = t;
  return meta;
}

/** Writes a local change's metadata at a new stamp; returns the stamp. */
export async function stampLocal(
  tx: WriteTx,
  clock: HlcClock,
  record: { kind: RecordKind; id: string; projectId: string; deleted: boolean },
): Promise<string> {
  const store = tx.objectStore('sync_metadata');
  const previous = await store.get([record.kind, record.id]);
  const hlc = clock.next();
  await store.put(pendingMeta(previous, record, hlc));
  return hlc;
}

/**
 * Stamps many local writes: the previous entries are read in one go (only
 * those that exist, see read-back.ts) and the new ones written without a
 * round trip each (a transaction runs its requests in order). Returns the
 * stamps, in the order of `records`.
 */
export async function stampLocalMany(
  tx: WriteTx,
  clock: HlcClock,
  records: { kind: RecordKind; id: string; projectId: string; deleted: boolean }[],
  absent = false,
): Promise<string[]> {
  const store = tx.objectStore('sync_metadata');
  const previous = absent
    ? []
    : await readBack(
        store,
        records.map((r): [RecordKind, string] => [r.kind, r.id]),
      );
  const written = new Map<string, StoredSyncMetadata>();
  const stamps: string[] = [];
  const metas = records.map((record, i) => {
    const key = `${record.kind}\u0000${record.id}`;
    const hlc = clock.next();
    const meta = pendingMeta(written.get(key) ?? previous[i], record, hlc);
    written.set(key, meta);
    stamps.push(hlc);
    return meta;
  });
  await putAll(unwrap(store), metas, absent && written.size === metas.length ? 'add' : 'put');
  return stamps;
}

/**
 * Puts many records into one store and waits for the last. Requests of a
 * transaction complete in the order issued, so one success listener is
 * enough: the browser does not call into script (and `idb` make a promise)
 * for each of thousands of records. Failures are heard once, on the
 * transaction, where every request's error event bubbles, not by a listener
 * set on each of thousands of requests: the first error rejects, and it
 * aborts the transaction as any failed request does (with
 * `add`, a key already stored fails with a ConstraintError; when another
 * request fails first, the transaction aborts and so does this write).
 */
export function putAll(
  store: IDBObjectStore,
  values: readonly unknown[],
  how: 'put' | 'add' = 'put',
): Promise<void> {
  if (values.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const tx = store.transaction;
    const failed = (event: Event) => {
      tx.removeEventListener('error', failed);
      reject((event.target as IDBRequest).error);
    };
    tx.addEventListener('error', failed);
    let last: IDBRequest | undefined;
    try {
      for (const value of values) last = how === 'add' ? store.add(value) : store.put(value);
    } catch (error) {
      // Thrown at once (a full disk, a value that cannot be cloned): the
      // requests already issued fail with the transaction the caller aborts.
      tx.removeEventListener('error', failed);
      throw error;
    }
    (last as IDBRequest).onsuccess = () => {
      tx.removeEventListener('error', failed);
      resolve();
    };
  });
}

/**
 * Issues one request per item without waiting between them, then waits for
 * all. A request that throws at once (a full disk) stops the rest; the
 * transaction aborts and the requests already issued fail quietly with it.
 */
export async function issueAll<T>(
  items: T[],
  request: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  const issued: Promise<unknown>[] = [];
  try {
    items.forEach((item, i) => {
      issued.push(request(item, i));
    });
  } catch (error) {
    for (const p of issued) p.catch(() => {});
    throw error;
  }
  await Promise.all(issued);
}

/**
 * Recomputes a conversation's derived summary: its active leaf and the
 * length of the branch ending there (branch.ts reads the branch in a few
 * windows, never the other branches one by one).
 */
export async function summarize(
  tx: WriteTx,
  conversation: Conversation,
  touchedAt?: number,
): Promise<Conversation> {
  const reader = new BranchReader(unwrap(tx), conversation.id);
  const leaf = await reader.activeLeaf(conversation);
  const count = leaf ? (await reader.walkUp(leaf)).messages.length : 0;
  return withSummary(conversation, leaf, count, touchedAt);
}

/**
 * The conversation showing the branch that ends at `leaf`, `count` messages
 * long. activeLeafId is left out when `leaf` is the newest leaf (absent
 * means the newest leaf), so a plain append never changes what syncs.
 */
export function showingLeaf(
  conversation: Conversation,
  leaf: Message | undefined,
  count: number,
  newestLeafId: string | undefined,
  touchedAt?: number,
): Conversation {
  const next = withSummary(conversation, leaf, count, touchedAt);
  if (leaf && leaf.id !== newestLeafId) next.activeLeafId = leaf.id;
  else delete next.activeLeafId;
  return next;
}

/** Recomputes and stores the summary of conversation `id`, if it exists here. */
export async function refreshSummary(tx: WriteTx, id: string, touchedAt?: number): Promise<void> {
  const conversation = await tx.objectStore('conversations').get(id);
  if (conversation) await tx.objectStore('conversations').put(await summarize(tx, conversation, touchedAt));
}

/** Gives a project id in use a record named after it, when it has none (not stamped: see projects.ts). */
export async function ensureProject(tx: WriteTx, projectId: string, at = Date.now()): Promise<void> {
  const store = tx.objectStore('projects');
  if (!(await store.getKey(projectId))) await store.put(implicitProject(projectId, at));
}

/** Collects what one transaction wrote, to report it once per project after commit. */
export class ChangeSet {
  private readonly byProject = new Map<string, Omit<StorageChange, 'origin' | 'projectId'>>();
  /** Entries by kind and id, so a transaction of thousands of records stays linear. */
  private readonly seen = new Map<string, { deleted: boolean }>();

  private entry(projectId: string) {
    let e = this.byProject.get(projectId);
    if (!e) {
      e = { conversations: [], messages: [] };
      this.byProject.set(projectId, e);
    }
    return e;
  }

  conversation(projectId: string, id: string, deleted: boolean): void {
    const key = `c\u0000${projectId}\u0000${id}`;
    const existing = this.seen.get(key);
    if (existing) existing.deleted = deleted;
    else {
      const entry = { id, deleted };
      this.entry(projectId).conversations.push(entry);
      this.seen.set(key, entry);
    }
  }

  message(m: Pick<Message, 'id' | 'conversationId' | 'projectId'>, deleted: boolean): void {
    const key = `m\u0000${m.projectId}\u0000${m.id}`;
    const existing = this.seen.get(key);
    if (existing) existing.deleted = deleted;
    else {
      const entry = { id: m.id, conversationId: m.conversationId, deleted };
      this.entry(m.projectId).messages.push(entry);
      this.seen.set(key, entry);
    }
  }

  /** A project record written or deleted; reported under its own id. */
  project(id: string, deleted: boolean): void {
    const entry = this.entry(id);
    entry.projects ??= [];
    const existing = entry.projects.find((p) => p.id === id);
    if (existing) existing.deleted = deleted;
    else entry.projects.push({ id, deleted });
  }

  emit(feed: ChangeFeed, origin: StorageChange['origin']): void {
    for (const [projectId, change] of this.byProject) feed.emit({ origin, projectId, ...change });
  }
}
