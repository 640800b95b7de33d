// The pull side of SyncSource: applying a page of remote changes in one
// transaction, last write wins by stamp, losing local edits kept as conflicts.
import { createHlcClock } from '../hlc.js';
import { newId } from '../ids.js';
import { syncedPart } from '../records.js';
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

  for (const r of remote) {
    clock.observe(r.hlc);
    const local = await metas.get([r.kind, r.id]);
    if (local && local.hlc >= r.hlc) {
      // Local is newer or the same write: nothing to apply. The same stamp means the server has it.
      if (local.hlc === r.hlc) {
        await metas.put(syncedMeta(local, local, r.hlc, r.version, at));
      }
      continue;
    }
    if (r.kind === 'message' && !r.deleted) {
      const conversationId = (r.data as Message).conversationId;
      // A message of a conversation deleted here would come back without a home: the delete wins.
      if ((await metas.get(['conversation', conversationId]))?.deleted) continue;
    }
    if (local?.syncStatus === 'pending') {
      await keepConflict(r.kind, r.id, local.projectId, await currentData(tx, local), local.hlc, r.hlc);
    }
    await applyOne(tx, changes, r, async (message, meta) => {
      await keepConflict('message', message.id, message.projectId, message, meta.hlc, r.hlc);
    });
    await metas.put(syncedMeta(undefined, r, r.hlc, r.version, at));
    applied++;
  }
  await saveClock(tx, clock);
  if (cursor !== undefined) await tx.objectStore('meta').put(cursor, 'cursor');
  return { applied, conflicts };
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
  r: ServerRecordChange,
  onLostMessage: (message: Message, meta: StoredSyncMetadata) => Promise<void>,
): Promise<void> {
  if (r.kind === 'conversation') {
    if (r.deleted) {
      await removeConversation(tx, { id: r.id, projectId: r.projectId }, r.hlc, changes, onLostMessage);
      return;
    }
    // Summaries are derived here from whatever messages already arrived.
    const data = r.data as SyncedConversation;
    // updatedAt only moves forward: local message writes may already have moved it past the remote value.
    const held = await tx.objectStore('conversations').get(data.id);
    const updatedAt = Math.max(data.updatedAt, held?.updatedAt ?? 0);
    await tx.objectStore('conversations').put(await summarize(tx, { ...data, updatedAt, messageCount: 0 }));
    await ensureProject(tx, data.projectId);
    changes.conversation(data.projectId, data.id, false);
    return;
  }
  if (r.deleted) {
    const existing = await tx.objectStore('messages').get(r.id);
    if (existing) {
      await tx.objectStore('messages').delete(r.id);
      await refreshSummary(tx, existing.conversationId);
      changes.message(existing, true);
    }
    return;
  }
  const message = r.data as Message;
  await tx.objectStore('messages').put(message);
  await ensureProject(tx, message.projectId);
  await refreshSummary(tx, message.conversationId, message.updatedAt);
  changes.message(message, false);
}
