// The outbox side of SyncSource: what waits to be pushed, acknowledgements,
// rejections, resets and restoring conflicts.
import { newConversation, syncedPart } from '../records.js';
import type {
  Message,
  PushAck,
  RecordChange,
  RecordKind,
  SyncConflict,
  SyncedConversation,
} from '../types.js';
import { removeConversation } from './remove.js';
import type { StoredSyncMetadata } from './schema.js';
import { type ChangeSet, type Db, ensureProject, refreshSummary, summarize, type WriteTx } from './tx.js';

type Stamp = (record: {
  kind: RecordKind;
  id: string;
  projectId: string;
  deleted: boolean;
}) => Promise<string>;

/** Oldest stamp first, read through the sparse outbox index. */
export async function pendingChanges(db: Db, limit: number): Promise<RecordChange[]> {
  const tx = db.transaction(['sync_metadata', 'conversations', 'messages'], 'readonly');
  const metas: StoredSyncMetadata[] = [];
  let cursor = await tx.objectStore('sync_metadata').index('outbox').openCursor();
  while (cursor && metas.length < limit) {
    metas.push(cursor.value);
    cursor = await cursor.continue();
  }
  const changes: RecordChange[] = [];
  for (const meta of metas) {
    const base = {
      kind: meta.kind,
      id: meta.id,
      projectId: meta.projectId,
      hlc: meta.hlc,
      deleted: meta.deleted,
    };
    if (meta.deleted) {
      changes.push({ ...base, data: null });
    } else if (meta.kind === 'conversation') {
      const conversation = await tx.objectStore('conversations').get(meta.id);
      if (conversation) changes.push({ ...base, data: syncedPart(conversation) });
    } else {
      const message = await tx.objectStore('messages').get(meta.id);
      if (message) changes.push({ ...base, data: message });
    }
  }
  return changes;
}

export async function markPushed(tx: WriteTx, acks: PushAck[], at: number): Promise<void> {
  const store = tx.objectStore('sync_metadata');
  for (const ack of acks) {
    const meta = await store.get([ack.kind, ack.id]);
    // A write made while the push was in flight has a newer stamp: it stays pending.
    if (!meta || meta.hlc !== ack.hlc) continue;
    const { outbox: _o, rejected: _r, ...rest } = meta;
    await store.put({ ...rest, syncStatus: 'synced', version: ack.version, lastSyncedAt: at });
  }
}

export async function markRejected(
  tx: WriteTx,
  rejects: { kind: RecordKind; id: string; hlc: string; reason: string }[],
): Promise<void> {
  const store = tx.objectStore('sync_metadata');
  for (const reject of rejects) {
    const meta = await store.get([reject.kind, reject.id]);
    if (!meta || meta.hlc !== reject.hlc) continue;
    const { outbox: _o, ...rest } = meta;
    await store.put({ ...rest, rejected: String(reject.reason) });
  }
}

export async function resetSyncState(tx: WriteTx): Promise<void> {
  await tx.objectStore('meta').delete('cursor');
  let cursor = await tx.objectStore('sync_metadata').openCursor();
  while (cursor) {
    const { kind, id, projectId, hlc, deleted } = cursor.value;
    await cursor.update({ kind, id, projectId, hlc, deleted, syncStatus: 'pending', outbox: hlc });
    cursor = await cursor.continue();
  }
}

/** Writes a conflict's losing version back as a new local write. */
export async function restoreConflict(
  tx: WriteTx,
  changes: ChangeSet,
  stamp: Stamp,
  conflict: SyncConflict,
  now: number,
): Promise<void> {
  const { kind, recordId: id, projectId, local } = conflict;
  if (kind === 'conversation') {
    const existing = await tx.objectStore('conversations').get(id);
    if (!local) {
      // The losing change was a delete: delete again.
      const hlc = await stamp({ kind, id, projectId, deleted: true });
      if (existing) await removeConversation(tx, existing, hlc, changes);
      else changes.conversation(projectId, id, true);
      return;
    }
    const synced = local as SyncedConversation;
    const base = existing ?? { ...synced, messageCount: 0 };
    await tx.objectStore('conversations').put(await summarize(tx, { ...base, ...synced }));
    await ensureProject(tx, projectId);
    await stamp({ kind, id, projectId, deleted: false });
    changes.conversation(projectId, id, false);
    return;
  }
  const existing = await tx.objectStore('messages').get(id);
  if (!local) {
    await stamp({ kind, id, projectId, deleted: true });
    if (existing) {
      await tx.objectStore('messages').delete(id);
      await refreshSummary(tx, existing.conversationId);
      changes.message(existing, true);
    }
    return;
  }
  const message = local as Message;
  if (!(await tx.objectStore('conversations').getKey(message.conversationId))) {
    // Its conversation is gone here: recreate a shell so the message has a home.
    const shell = newConversation({ projectId: message.projectId, id: message.conversationId }, now);
    await tx.objectStore('conversations').put(shell);
    await ensureProject(tx, message.projectId);
    await stamp({ kind: 'conversation', id: shell.id, projectId: shell.projectId, deleted: false });
    changes.conversation(shell.projectId, shell.id, false);
  }
  await tx.objectStore('messages').put(message);
  await stamp({ kind, id, projectId: message.projectId, deleted: false });
  await refreshSummary(tx, message.conversationId, message.updatedAt);
  changes.message(message, false);
}
