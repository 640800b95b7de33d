// Applying a pulled page: last write wins by stamp, and a local version that
// loses before it was pushed is kept as a conflict instead of vanishing.
import { compareMessages } from '../records.js';
import { conflictOf, losesLocalEdit, remoteWins } from '../sync/conflicts.js';
import { parseRemoteChanges } from '../sync/protocol.js';
import type {
  Message,
  Project,
  RecordData,
  RecordKind,
  ServerRecordChange,
  SyncedConversation,
  SyncMetadata,
} from '../types.js';
import type { Session } from './session.js';
import { currentData, homeOf } from './sync-source.js';

/**
 * A record from a device that predates message trees has no parentId: it
 * follows the message before it in time, as the layout upgrade placed the
 * messages already here. A message held here keeps the parent it has.
 */
function withParent(s: Session, message: Message): Message {
  if (message.parentId !== undefined) return message;
  const held = s.findMessage(message.id)?.message;
  if (held) return { ...message, parentId: held.parentId };
  let parentId: string | null = null;
  for (const m of s.messagesOf(message.conversationId)) {
    if (compareMessages(m, message) >= 0) break;
    parentId = m.id;
  }
  return { ...message, parentId };
}

export function applyRemote(
  s: Session,
  changes: ServerRecordChange[],
  cursor: string | undefined,
  now: number,
): { applied: number; conflicts: number } {
  const valid = parseRemoteChanges(changes, cursor);
  let applied = 0;
  let conflicts = 0;

  const synced = (r: ServerRecordChange): SyncMetadata => ({
    kind: r.kind,
    id: r.id,
    projectId: r.projectId,
    hlc: r.hlc,
    version: r.version,
    deleted: r.deleted,
    syncStatus: 'synced',
    lastSyncedAt: now,
  });

  /** Keeps the local version that `remote` (null for a delete) replaces, when the server never had it. */
  const keepIfLost = (
    kind: RecordKind,
    recordId: string,
    local: SyncMetadata | undefined,
    mine: RecordData | null,
    remote: RecordData | null,
    remoteHlc: string,
  ) => {
    if (!local || !losesLocalEdit(kind, local, mine, remote)) return;
    s.addConflict(conflictOf(kind, recordId, local, mine, remoteHlc, now));
    conflicts += 1;
  };

  for (const r of valid) {
    s.clock.observe(r.hlc);
    const local = s.meta(r.kind, r.id);
    if (local && !remoteWins(local, r)) {
      // This device already holds this stamp or a newer one.
      if (local.hlc === r.hlc) {
        const { rejected: _r, ...rest } = local;
        s.setMeta(
          { ...rest, syncStatus: 'synced', version: r.version, lastSyncedAt: now },
          homeOf(s, r.kind, r.id),
        );
      }
      continue;
    }

    if (r.kind === 'project') {
      // A project's name is last write wins without a kept conflict: a rename is one word, not history.
      applyProject(s, r, synced(r));
      applied += 1;
      continue;
    }

    if (r.kind === 'conversation') {
      const data = r.data as SyncedConversation | null;
      keepIfLost('conversation', r.id, local, currentData(s, 'conversation', r.id), data, r.hlc);
      if (data) {
        // updatedAt only moves forward: local message writes may already have moved it past the remote value.
        const held = s.entry(r.id)?.conversation;
        // Moved on another device: the list it left changes too.
        if (held && held.projectId !== data.projectId) s.noteConversation(held.projectId, r.id, false);
        s.storeConversation({
          ...data,
          updatedAt: Math.max(data.updatedAt, held?.updatedAt ?? 0),
          messageCount: 0,
        });
        s.refreshSummary(r.id);
        s.setMeta(synced(r), r.id);
      } else {
        const entry = s.dropConversation(r.id);
        for (const message of entry?.messages ?? []) {
          const meta = entry?.messageMetas[message.id];
          keepIfLost('message', message.id, meta, message, null, r.hlc);
          s.setMeta(
            {
              kind: 'message',
              id: message.id,
              projectId: message.projectId,
              hlc: r.hlc,
              deleted: true,
              syncStatus: 'synced',
              ...(meta?.version !== undefined && { version: meta.version }),
              lastSyncedAt: now,
            },
            r.id,
          );
          s.noteMessage(r.projectId, message.id, r.id, true);
        }
        s.setMeta(synced(r), r.id);
      }
      s.noteConversation(r.projectId, r.id, r.deleted);
      applied += 1;
      continue;
    }

    // A message.
    const data = r.data as Message | null;
    if (data && s.meta('conversation', data.conversationId)?.deleted) {
      // Its conversation is deleted here; the server answers such messages as stale too.
      continue;
    }
    keepIfLost('message', r.id, local, currentData(s, 'message', r.id), data, r.hlc);
    if (data) {
      // Kept even when its parent is not here yet: the branch shows it below
      // "an earlier message has not synced yet" until the parent arrives.
      s.storeMessage(withParent(s, data));
      s.setMeta(synced(r), data.conversationId);
      s.refreshSummary(data.conversationId, data.updatedAt);
      s.noteMessage(r.projectId, r.id, data.conversationId, false);
    } else {
      const dropped = s.dropMessage(r.id);
      s.setMeta(synced(r), '');
      if (dropped) {
        s.refreshSummary(dropped.conversationId);
        s.noteMessage(r.projectId, r.id, dropped.conversationId, true);
      }
    }
    applied += 1;
  }

  if (cursor !== undefined) s.setCursor(cursor);
  return { applied, conflicts };
}

/**
 * A project record from another device: its name, or its deletion. The
 * deleting device sent its conversations' deletes or moves as their own
 * changes; a conversation it did not know of (made here meanwhile) keeps
 * the project alive here, so the record stays while any remains.
 */
function applyProject(s: Session, r: ServerRecordChange, meta: SyncMetadata): void {
  if (r.deleted) {
    if (Object.keys(s.projectIndex(r.id)).length > 0) return;
    s.forgetProject(r.id);
    s.setMeta(meta, r.id);
    s.noteProject(r.id, true);
    return;
  }
  s.storeProject(r.data as Project);
  s.setMeta(meta, r.id);
  s.noteProject(r.id, false);
}
