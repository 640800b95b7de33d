// The outbox side of sync: what waits to be pushed, and what the server said
// about it. Remote changes are applied in apply-remote.ts.
import { ChatStorageError } from '../errors.js';
import { syncedPart } from '../records.js';
import { localOnlyMeta, refusedNotFound, refusedState, rejectedMeta, retriedMeta } from '../sync/refusals.js';
import type { PushAck, RecordChange, RecordData, RecordKind, RejectInput, SyncMetadata } from '../types.js';
import { splitRecordKey } from './layout.js';
import type { Session } from './session.js';

/** The conversation whose entry holds a record's live metadata (a project keeps its own). */
export function homeOf(s: Session, kind: RecordKind, id: string): string {
  return kind === 'message' ? (s.messageIndex()[id] ?? '') : id;
}

/** The record's current data as it syncs, or null when it is not stored here. */
export function currentData(s: Session, kind: RecordKind, id: string): RecordData | null {
  if (kind === 'conversation') {
    const conversation = s.conversation(id);
    return conversation ? syncedPart(conversation) : null;
  }
  if (kind === 'project') return s.projectRecords()[id]?.project ?? null;
  return s.findMessage(id)?.message ?? null;
}

export function pendingChanges(s: Session, limit: number): RecordChange[] {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ChatStorageError(
      'invalid-input',
      `pendingChanges: limit must be a positive integer, got ${String(limit)}.`,
    );
  }
  const waiting = Object.entries(s.outbox()).sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
  const changes: RecordChange[] = [];
  for (const [key, hlc] of waiting) {
    if (changes.length >= limit) break;
    const { kind, id } = splitRecordKey(key);
    const meta = s.meta(kind, id);
    if (!meta || meta.hlc !== hlc) continue;
    const data = meta.deleted ? null : currentData(s, kind, id);
    if (!meta.deleted && data === null) continue;
    changes.push({ kind, id, projectId: meta.projectId, hlc, deleted: meta.deleted, data });
  }
  return changes;
}

export function pendingCount(s: Session): number {
  return Object.keys(s.outbox()).length;
}

export function markPushed(s: Session, acks: PushAck[], at: number): void {
  for (const ack of acks) {
    const meta = s.meta(ack.kind, ack.id);
    // A write made while the push was under way has a newer stamp: it stays pending.
    if (!meta || meta.hlc !== ack.hlc) continue;
    const { rejected: _r, refusal: _f, ...rest } = meta;
    s.setMeta(
      { ...rest, syncStatus: 'synced', version: ack.version, lastSyncedAt: at },
      homeOf(s, ack.kind, ack.id),
    );
  }
}

export function markRejected(s: Session, rejects: RejectInput[], now: number): void {
  for (const reject of rejects) {
    const meta = s.meta(reject.kind, reject.id);
    if (!meta || meta.hlc !== reject.hlc) continue;
    s.setMeta(rejectedMeta(meta, reject, now), homeOf(s, reject.kind, reject.id));
  }
}

/** Every refused or device-only entry: localStorage holds little, so they are found by reading all. */
export function listRefused(s: Session): SyncMetadata[] {
  const metas: SyncMetadata[] = [];
  for (const conversationId of s.conversationIds()) {
    const entry = s.entry(conversationId);
    if (!entry) continue;
    for (const meta of [entry.meta, ...Object.values(entry.messageMetas)]) {
      if (meta && refusedState(meta)) metas.push(meta);
    }
  }
  for (const meta of Object.values(s.tombstones())) if (refusedState(meta)) metas.push(meta);
  return metas;
}

function liveMeta(s: Session, kind: RecordKind, id: string): SyncMetadata {
  const meta = s.meta(kind, id);
  if (!meta) throw refusedNotFound(kind, id);
  return meta;
}

export function keepLocalOnly(s: Session, kind: RecordKind, id: string): void {
  const meta = liveMeta(s, kind, id);
  if (meta.deleted) throw refusedNotFound(kind, id);
  s.setMeta(localOnlyMeta(meta), homeOf(s, kind, id));
}

export function retryRefused(s: Session, kind: RecordKind, id: string): void {
  s.setMeta(retriedMeta(liveMeta(s, kind, id)), homeOf(s, kind, id));
}

/** Every record pending again, nothing acknowledged, no cursor: sync starts over, conflicts kept. */
export function resetSyncState(s: Session): void {
  const reset = (meta: SyncMetadata): SyncMetadata => {
    const { version: _v, lastSyncedAt: _l, rejected: _r, refusal: _f, ...rest } = meta;
    // A record kept on this device only stays so under any account.
    return { ...rest, syncStatus: meta.syncStatus === 'local-only' ? 'local-only' : 'pending' };
  };
  for (const conversationId of s.conversationIds()) {
    const entry = s.entry(conversationId);
    if (!entry) continue;
    if (entry.meta) s.setMeta(reset(entry.meta), conversationId);
    for (const meta of Object.values(entry.messageMetas)) s.setMeta(reset(meta), conversationId);
  }
  for (const meta of Object.values(s.tombstones())) s.setMeta(reset(meta), '');
  s.setCursor(undefined);
  s.setBootstrap(undefined);
  s.setQuarantined(undefined);
}

/** Every record stamped anew and pending, conflicts and cursor kept (see SyncSource.restampAll). */
export function restampAll(s: Session): number {
  let count = 0;
  const restamp = (meta: SyncMetadata, conversationId: string) => {
    if (meta.syncStatus === 'local-only') return;
    s.stamp(meta.kind, meta.id, meta.projectId, meta.deleted, conversationId, meta);
    count += 1;
  };
  for (const conversationId of s.conversationIds()) {
    const entry = s.entry(conversationId);
    if (!entry) continue;
    if (entry.meta) restamp(entry.meta, conversationId);
    for (const meta of Object.values(entry.messageMetas)) restamp(meta, conversationId);
  }
  for (const meta of Object.values(s.tombstones())) restamp(meta, '');
  return count;
}
