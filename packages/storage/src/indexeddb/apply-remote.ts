// The pull side of SyncSource: applying a page of remote changes in one
// transaction, last write wins by stamp, losing local edits kept as conflicts.
import { createHlcClock } from '../hlc.js';
import { newId } from '../ids.js';
import { syncedPart } from '../records.js';
import { remoteWins } from '../remote-wins.js';
import type { Message, RecordData, ServerRecordChange, SyncedConversation } from '../types.js';
import { removeConversation } from './remove.js';
import type { StoredSyncMetadata } from './schema.js';
import {
  type ChangeSet,
  ensureProject,
  refreshSummary,
  saveClock,
  summarize,
  syncedMeta,
  type WriteTx,
} from './tx.js';

export async function applyRemoteChanges(
  tx: WriteTx,
  changes: ChangeSet,
  clientId: string,
  now: () => number,
  remote: ServerRecordChange[],
  cursor: string | undefined,
): Promise<{ applied: number; conflicts: number }> {
  const at = now();
  const metas = tx.objectStore('sync_metadata');
  const clock = createHlcClock({ clientId, now, last: await tx.objectStore('meta').get('clock') });
  let applied = 0;
  let conflicts = 0;
  // Per page, not per record: a conversation's summary is recomputed once at
  // the end (a count over its messages), and each project and conversation
  // state is read once. Per record, a first sync of a long conversation was quadratic.
  const page: PageState = {
    touched: new Map(),
    projects: new Set(),
    deletedConversations: new Map(),
    writes: [],
  };
  // Every entry the page needs is requested at once instead of one round trip
  // per record. Deleting a conversation rewrites its messages' entries, so
  // after one the rest of the page reads afresh.
  const prefetched = await Promise.all(remote.map((r) => metas.get([r.kind, r.id])));
  const written = new Map<string, StoredSyncMetadata>();
  let prefetchValid = true;
  const putMeta = (meta: StoredSyncMetadata) => {
    written.set(`${meta.kind}\u0000${meta.id}`, meta);
    issue(page, metas.put(meta));
  };

  const keepConflict = async (
    kind: 'conversation' | 'message',
    recordId: string,
    projectId: string,
    local: RecordData | null,
    localHlc: string,
    remoteHlc: string,
  ) => {
    await tx.objectStore('conflicts').put({
      id: newId(),
      kind,
      recordId,
      projectId,
      local,
      localHlc,
      remoteHlc,
      detectedAt: at,
    });
    conflicts++;
  };

  for (const [i, r] of remote.entries()) {
    clock.observe(r.hlc);
    const local =
      written.get(`${r.kind}\u0000${r.id}`) ??
      (prefetchValid ? prefetched[i] : await metas.get([r.kind, r.id]));
    if (local && !remoteWins(local, r)) {
      // Local is newer or the same write: nothing to apply. The same stamp means the server has it.
      if (local.hlc === r.hlc) putMeta(syncedMeta(local, local, r.hlc, r.version, at));
      continue;
    }
    if (r.kind === 'message' && !r.deleted) {
      const conversationId = (r.data as Message).conversationId;
      // A message of a conversation deleted here would come back without a home: the delete wins.
      if (await conversationDeleted(tx, page, conversationId)) continue;
    }
    if (local?.syncStatus === 'pending') {
      await keepConflict(r.kind, r.id, local.projectId, await currentData(tx, local), local.hlc, r.hlc);
    }
    await applyOne(tx, changes, page, r, async (message, meta) => {
      await keepConflict('message', message.id, message.projectId, message, meta.hlc, r.hlc);
    });
    if (r.kind === 'conversation' && r.deleted) {
      prefetchValid = false;
      written.clear();
    }
    putMeta(syncedMeta(undefined, r, r.hlc, r.version, at));
    applied++;
  }
  await Promise.all(page.writes);
  for (const [conversationId, touchedAt] of page.touched) {
    await refreshSummary(tx, conversationId, touchedAt);
  }
  await saveClock(tx, clock);
  if (cursor !== undefined) await tx.objectStore('meta').put(cursor, 'cursor');
  return { applied, conflicts };
}

/** What one page of remote changes remembers while it is applied. */
interface PageState {
  /** Conversations whose summary must be recomputed, with the newest message time seen. */
  touched: Map<string, number | undefined>;
  /** Projects known to exist. */
  projects: Set<string>;
  /** Whether a conversation is deleted here, as read or as applied in this page. */
  deletedConversations: Map<string, boolean>;
  /** Puts issued without waiting (the transaction runs them in order); awaited before the page ends. */
  writes: Promise<unknown>[];
}

/** Queues a request; its failure aborts the transaction and surfaces where the page awaits `writes`. */
function issue(page: PageState, request: Promise<unknown>): void {
  request.catch(() => {});
  page.writes.push(request);
}

function touch(page: PageState, conversationId: string, at?: number): void {
  const known = page.touched.get(conversationId);
  page.touched.set(conversationId, at === undefined ? known : Math.max(known ?? 0, at));
}

async function conversationDeleted(tx: WriteTx, page: PageState, conversationId: string): Promise<boolean> {
  let deleted = page.deletedConversations.get(conversationId);
  if (deleted === undefined) {
    deleted = (await tx.objectStore('sync_metadata').get(['conversation', conversationId]))?.deleted ?? false;
    page.deletedConversations.set(conversationId, deleted);
  }
  return deleted;
}

async function ensureProjectOnce(tx: WriteTx, page: PageState, projectId: string): Promise<void> {
  if (page.projects.has(projectId)) return;
  await ensureProject(tx, projectId);
  page.projects.add(projectId);
}

/** The local version a pending meta describes: null for a local delete. */
async function currentData(tx: WriteTx, meta: StoredSyncMetadata): Promise<RecordData | null> {
  if (meta.deleted) return null;
  if (meta.kind === 'conversation') {
    const conversation = await tx.objectStore('conversations').get(meta.id);
    return conversation ? syncedPart(conversation) : null;
  }
  return (await tx.objectStore('messages').get(meta.id)) ?? null;
}

async function applyOne(
  tx: WriteTx,
  changes: ChangeSet,
  page: PageState,
  r: ServerRecordChange,
  onLostMessage: (message: Message, meta: StoredSyncMetadata) => Promise<void>,
): Promise<void> {
  if (r.kind === 'conversation') {
    page.deletedConversations.set(r.id, r.deleted);
    if (r.deleted) {
      await removeConversation(tx, { id: r.id, projectId: r.projectId }, r.hlc, changes, onLostMessage);
      page.touched.delete(r.id);
      return;
    }
    // Summaries are derived here from whatever messages already arrived.
    const data = r.data as SyncedConversation;
    // updatedAt only moves forward: local message writes may already have moved it past the remote value.
    const held = await tx.objectStore('conversations').get(data.id);
    const updatedAt = Math.max(data.updatedAt, held?.updatedAt ?? 0);
    await tx.objectStore('conversations').put(await summarize(tx, { ...data, updatedAt, messageCount: 0 }));
    await ensureProjectOnce(tx, page, data.projectId);
    changes.conversation(data.projectId, data.id, false);
    return;
  }
  if (r.deleted) {
    const existing = await tx.objectStore('messages').get(r.id);
    if (existing) {
      await tx.objectStore('messages').delete(r.id);
      touch(page, existing.conversationId);
      changes.message(existing, true);
    }
    return;
  }
  const message = r.data as Message;
  issue(page, tx.objectStore('messages').put(message));
  await ensureProjectOnce(tx, page, message.projectId);
  touch(page, message.conversationId, message.updatedAt);
  changes.message(message, false);
}
