// The outbox side of SyncSource: what waits to be pushed, acknowledgements,
// rejections, resets and restoring conflicts.
import { newConversation, syncedPart } from '../records.js';
import { localOnlyMeta, refusedNotFound, refusedState, rejectedMeta, retriedMeta } from '../sync/refusals.js';
import type {
  Message,
  PushAck,
  RecordChange,
  RecordKind,
  RejectInput,
  SyncConflict,
  SyncedConversation,
  SyncMetadata,
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
  const tx = db.transaction(['sync_metadata', 'conversations', 'messages', 'projects'], 'readonly');
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
    } else if (meta.kind === 'project') {
      const project = await tx.objectStore('projects').get(meta.id);
      if (project) changes.push({ ...base, data: project });
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
    const { outbox: _o, rejected: _r, refusal: _f, ...rest } = meta;
    await store.put({ ...rest, syncStatus: 'synced', version: ack.version, lastSyncedAt: at });
  }
}

export async function markRejected(tx: WriteTx, rejects: RejectInput[], now: number): Promise<void> {
  const store = tx.objectStore('sync_metadata');
  const keys: [RecordKind, string][] = [];
  for (const reject of rejects) {
    const meta = await store.get([reject.kind, reject.id]);
    if (!meta || meta.hlc !== reject.hlc) continue;
    const { outbox: _o, ...rest } = meta;
    await store.put(rejectedMeta(rest, reject, now));
    keys.push([reject.kind, reject.id]);
  }
  await rememberRefused(tx, keys);
}

/**
 * The keys of refused and device-only entries, kept in `meta` so that
 * listing them never reads the whole sync_metadata store. An entry listed
 * here that is neither any more (synced since, edited) is dropped on the
 * next write of the list.
 */
function refusedKeys(text: string | undefined): [RecordKind, string][] {
  return text ? (JSON.parse(text) as [RecordKind, string][]) : [];
}

async function rememberRefused(tx: WriteTx, add: [RecordKind, string][], drop?: [RecordKind, string]) {
  const store = tx.objectStore('sync_metadata');
  const seen = new Set<string>();
  const kept: [RecordKind, string][] = [];
  for (const key of [...refusedKeys(await tx.objectStore('meta').get('refused')), ...add]) {
    const name = `${key[0]}:${key[1]}`;
    if (seen.has(name) || (drop && drop[0] === key[0] && drop[1] === key[1])) continue;
    seen.add(name);
    const meta = await store.get(key);
    if (meta && refusedState(meta)) kept.push(key);
  }
  await tx.objectStore('meta').put(JSON.stringify(kept), 'refused');
}

export async function listRefused(db: Db): Promise<SyncMetadata[]> {
  const tx = db.transaction(['meta', 'sync_metadata'], 'readonly');
  const metas: SyncMetadata[] = [];
  for (const key of refusedKeys(await tx.objectStore('meta').get('refused'))) {
    const stored = await tx.objectStore('sync_metadata').get(key);
    if (!stored || !refusedState(stored)) continue;
    const { outbox: _o, ...meta } = stored;
    metas.push(meta);
  }
  return metas;
}

export async function keepLocalOnly(tx: WriteTx, kind: RecordKind, id: string): Promise<void> {
  const store = tx.objectStore('sync_metadata');
  const meta = await store.get([kind, id]);
  if (!meta || meta.deleted) throw refusedNotFound(kind, id);
  const { outbox: _o, ...rest } = meta;
  await store.put(localOnlyMeta(rest));
  await rememberRefused(tx, [[kind, id]]);
}

export async function retryRefused(tx: WriteTx, kind: RecordKind, id: string): Promise<void> {
  const store = tx.objectStore('sync_metadata');
  const meta = await store.get([kind, id]);
  if (!meta) throw refusedNotFound(kind, id);
  const { outbox: _o, ...rest } = meta;
  await store.put({ ...retriedMeta(rest), outbox: meta.hlc });
  await rememberRefused(tx, [], [kind, id]);
}

export async function resetSyncState(tx: WriteTx): Promise<void> {
  await tx.objectStore('meta').delete('cursor');
  await tx.objectStore('meta').delete('bootstrap');
  await tx.objectStore('meta').delete('quarantine');
  let cursor = await tx.objectStore('sync_metadata').openCursor();
  while (cursor) {
    const { kind, id, projectId, hlc, deleted, syncStatus } = cursor.value;
    // A record kept on this device only stays so under any account.
    if (syncStatus === 'local-only') await cursor.update({ kind, id, projectId, hlc, deleted, syncStatus });
    else await cursor.update({ kind, id, projectId, hlc, deleted, syncStatus: 'pending', outbox: hlc });
    cursor = await cursor.continue();
  }
}

/** Every record stamped anew and pending, in one transaction (see SyncSource.restampAll). */
export async function restampAll(tx: WriteTx, clock: { next(): string }): Promise<number> {
  let count = 0;
  let cursor = await tx.objectStore('sync_metadata').openCursor();
  while (cursor) {
    const { kind, id, projectId, deleted, syncStatus, version, lastSyncedAt } = cursor.value;
    if (syncStatus !== 'local-only') {
      const hlc = clock.next();
      const meta: StoredSyncMetadata = {
        kind,
        id,
        projectId,
        hlc,
        deleted,
        syncStatus: 'pending',
        outbox: hlc,
      };
      if (version !== undefined) meta.version = version;
      if (lastSyncedAt !== undefined) meta.lastSyncedAt = lastSyncedAt;
      await cursor.update(meta);
      count += 1;
    }
    cursor = await cursor.continue();
  }
  return count;
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
