// Bringing the localStorage copy (written while IndexedDB could not be used)
// into IndexedDB, inside one transaction. Each record is taken as a pulled
// change is (apply-remote.ts): last write wins by stamp, a pending version
// here that loses is kept as a conflict, deletes cascade. Then each record the
// copy won gets the copy's own sync entry back (a pending write stays in the
// outbox, a synced one keeps its server version), and a pending version of
// the copy that lost is kept as a conflict too: nothing either side saved is
// dropped. Merging the same copy twice changes nothing the second time.
import { ChatStorageError } from '../errors.js';
import type { FallbackCopy, FallbackRecord } from '../localstorage/fallback-copy.js';
import { parseRemoteChanges } from '../sync/protocol.js';
import type { Message, RecordKind, ServerRecordChange, SyncMetadata } from '../types.js';
import { applyRemoteChanges } from './apply-remote.js';
import { BulkRequests, readSyncEntries } from './bulk.js';
import type { StoredSyncMetadata } from './schema.js';
import { type ChangeSet, ensureProject, loadClock, saveClock, type WriteTx } from './tx.js';

/** The IndexedDBAdapter method that runs applyFallbackCopy in its write transaction. */
export const mergeFallbackCopy = Symbol('mergeFallbackCopy');

/** What a merge brought into IndexedDB. */
export interface FallbackMergeCounts {
  /** Conversations that gained or changed anything. */
  conversations: number;
  /** Messages written or changed. */
  messages: number;
  /** Records deleted in the copy and deleted here because of it. */
  deletions: number;
  /** Versions kept for the user as sync conflicts (the losing side of a record both held). */
  conflicts: number;
}

export async function applyFallbackCopy(
  tx: WriteTx,
  changes: ChangeSet,
  clientId: string,
  now: () => number,
  copy: FallbackCopy,
): Promise<FallbackMergeCounts> {
  const remote = asChanges(copy.records);
  // Reads and writes of thousands of entries go in batches with one wait each (bulk.ts).
  const bulk = new BulkRequests(tx);
  try {
    return await mergeRecords(tx, bulk, changes, clientId, now, copy, remote);
  } catch (error) {
    return bulk.rethrow(error);
  }
}

async function mergeRecords(
  tx: WriteTx,
  bulk: BulkRequests,
  changes: ChangeSet,
  clientId: string,
  now: () => number,
  copy: FallbackCopy,
  remote: ServerRecordChange[],
): Promise<FallbackMergeCounts> {
  const keys = copy.records.map((r): [RecordKind, string] => [r.meta.kind, r.meta.id]);
  const before = await readSyncEntries(tx, bulk, keys);
  const applied = await applyRemoteChanges(tx, changes, clientId, now, remote, undefined);
  const after = await readSyncEntries(tx, bulk, keys);

  const counts: FallbackMergeCounts = {
    conversations: 0,
    messages: 0,
    deletions: 0,
    conflicts: applied.conflicts,
  };
  const conversations = new Set<string>();
  const at = now();
  for (const [i, { meta, data }] of copy.records.entries()) {
    const held = before[i];
    if (after[i]?.hlc === meta.hlc) {
      // The copy's version is what IndexedDB holds now: its sync state comes with it.
      bulk.put('sync_metadata', mergedMeta(held?.hlc === meta.hlc ? held : undefined, meta));
      if (held?.hlc === meta.hlc) continue;
      if (meta.deleted) counts.deletions++;
      else if (meta.kind === 'conversation') conversations.add(meta.id);
      else {
        counts.messages++;
        conversations.add((data as Message).conversationId);
      }
      continue;
    }
    if (meta.syncStatus === 'synced') continue; // The server has it: not this device's to keep.
    const winner = after[i] ?? (await conversationEntry(tx, data));
    const conflicts = tx.objectStore('conflicts');
    // One id per losing version, so merging the copy again adds no second one.
    const id = `fallback:${meta.kind}:${meta.id}:${meta.hlc}`;
    if (await conflicts.getKey(id)) continue;
    await conflicts.put({
      id,
      kind: meta.kind,
      recordId: meta.id,
      projectId: meta.projectId,
      local: data,
      localHlc: meta.hlc,
      remoteHlc: winner?.hlc ?? meta.hlc,
      detectedAt: at,
    });
    counts.conflicts++;
  }
  counts.conversations = conversations.size;
  await bulk.flush();

  for (const conflict of copy.conflicts) {
    if (await tx.objectStore('conflicts').getKey(conflict.id)) continue;
    await tx.objectStore('conflicts').put(conflict);
    counts.conflicts++;
  }
  for (const projectId of copy.projects) await ensureProject(tx, projectId);
  // Later writes here must stamp past everything the copy made or saw.
  const clock = await loadClock(tx, clientId, now);
  if (copy.clock) clock.observe(copy.clock);
  await saveClock(tx, clock);
  return counts;
}

/** The copy's records as pulled changes, checked like a pulled page: a bad record merges nothing. */
function asChanges(records: FallbackRecord[]): ServerRecordChange[] {
  try {
    // Checked with a placeholder version (a pulled one is positive), then given
    // the copy's own: 0 for a record never acknowledged, which wins by stamp only.
    const checked = parseRemoteChanges(
      records.map(({ meta, data }) => ({
        kind: meta.kind,
        id: meta.id,
        projectId: meta.projectId,
        hlc: meta.hlc,
        deleted: meta.deleted,
        data,
        version: 1,
      })),
    );
    return checked.map((change, i) => ({ ...change, version: records[i]!.meta.version ?? 0 }));
  } catch (error) {
    throw new ChatStorageError(
      'invalid-input',
      `A record of the chat history kept in localStorage cannot be read, so none of it was brought into IndexedDB (${(error as Error).message.replace(/^Remote change \[\d+\] /, '').replace(/; the page was not applied\.$/, '')}).`,
      { cause: error },
    );
  }
}

/** For a message the merge left out because its conversation is deleted here: that delete's entry. */
async function conversationEntry(
  tx: WriteTx,
  data: FallbackRecord['data'],
): Promise<StoredSyncMetadata | undefined> {
  const conversationId = (data as Message | null)?.conversationId;
  return conversationId ? tx.objectStore('sync_metadata').get(['conversation', conversationId]) : undefined;
}

/**
 * The sync entry of a record the copy brought: the copy's, or, when
 * IndexedDB already held the same stamp, whichever got further (synced wins
 * over pending, the greater server version).
 */
function mergedMeta(held: StoredSyncMetadata | undefined, copy: SyncMetadata): StoredSyncMetadata {
  const { kind, id, projectId, hlc, deleted } = copy;
  const version = max(held?.version, copy.version);
  const lastSyncedAt = max(held?.lastSyncedAt, copy.lastSyncedAt);
  const synced = held?.syncStatus === 'synced' || copy.syncStatus === 'synced';
  const meta: StoredSyncMetadata = {
    kind,
    id,
    projectId,
    hlc,
    deleted,
    syncStatus: synced ? 'synced' : copy.syncStatus,
  };
  if (version !== undefined) meta.version = version;
  if (lastSyncedAt !== undefined) meta.lastSyncedAt = lastSyncedAt;
  if (!synced) {
    const rejected = held ? held.rejected : copy.rejected;
    if (rejected !== undefined) meta.rejected = rejected;
    else if (meta.syncStatus === 'pending') meta.outbox = hlc;
  }
  return meta;
}

function max(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
