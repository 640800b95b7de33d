// Applying a pulled page: last write wins by stamp, and a local version that
// loses before it was pushed is kept as a conflict instead of vanishing.
import { ChatStorageError } from '../errors.js';
import { parseHlc } from '../hlc.js';
import { newId } from '../ids.js';
import { compareMessages, sameSyncedConversation, syncedPart } from '../records.js';
import { remoteWins } from '../remote-wins.js';
import { validateMessage, validateSyncedConversation } from '../schema.js';
import type {
  Conversation,
  Message,
  RecordKind,
  ServerRecordChange,
  SyncedConversation,
  SyncMetadata,
} from '../types.js';
import type { Session } from './session.js';
import { currentData, homeOf } from './sync-source.js';

function invalid(index: number, what: string): ChatStorageError {
  return new ChatStorageError('invalid-input', `Remote change [${index}] ${what}; the page was not applied.`);
}

function checkShape(r: ServerRecordChange, i: number): void {
  if (!r || typeof r !== 'object') throw invalid(i, 'is not an object');
  if (r.kind !== 'conversation' && r.kind !== 'message')
    throw invalid(i, `has unknown kind ${JSON.stringify(r.kind)}`);
  if (typeof r.id !== 'string' || !r.id) throw invalid(i, 'has no id');
  if (typeof r.projectId !== 'string' || !r.projectId) throw invalid(i, 'has no projectId');
  if (typeof r.hlc !== 'string' || !parseHlc(r.hlc))
    throw invalid(i, `has a malformed stamp ${JSON.stringify(r.hlc)}`);
  if (typeof r.deleted !== 'boolean') throw invalid(i, 'needs deleted: true or false');
  if (!Number.isSafeInteger(r.version) || r.version < 0)
    throw invalid(i, 'needs a non-negative integer version');
  if (!r.deleted && (r.data === null || typeof r.data !== 'object'))
    throw invalid(i, 'is a put without data');
}

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

/** A pending local conversation that differs from the winning remote one only in the branch shown. */
function onlyBranchDiffers(s: Session, id: string, remote: SyncedConversation | null): boolean {
  const local = s.conversation(id);
  return !!local && !!remote && sameSyncedConversation(syncedPart(local), remote, { exceptActiveLeaf: true });
}

export function applyRemote(
  s: Session,
  changes: ServerRecordChange[],
  cursor: string | undefined,
  now: number,
): { applied: number; conflicts: number } {
  if (!Array.isArray(changes))
    throw new ChatStorageError('invalid-input', 'applyRemote needs an array of changes.');
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

  const keepConflict = (kind: RecordKind, recordId: string, local: SyncMetadata, remoteHlc: string) => {
    s.addConflict({
      id: newId(),
      kind,
      recordId,
      projectId: local.projectId,
      local: local.deleted ? null : currentData(s, kind, recordId),
      localHlc: local.hlc,
      remoteHlc,
      detectedAt: now,
    });
    conflicts += 1;
  };

  changes.forEach((r, i) => {
    checkShape(r, i);
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
      return;
    }

    if (r.kind === 'conversation') {
      // Summaries are derived here from the messages held here: any sent along are ignored, not refused.
      const data = r.deleted ? null : validateSyncedConversation(syncedPart(r.data as Conversation));
      if (data && data.id !== r.id) throw invalid(i, `carries conversation ${data.id} under id ${r.id}`);
      if (local?.syncStatus === 'pending' && !onlyBranchDiffers(s, r.id, data)) {
        keepConflict('conversation', r.id, local, r.hlc);
      }
      if (data) {
        // updatedAt only moves forward: local message writes may already have moved it past the remote value.
        const held = s.entry(r.id)?.conversation;
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
          if (meta?.syncStatus === 'pending') {
            s.addConflict({
              id: newId(),
              kind: 'message',
              recordId: message.id,
              projectId: message.projectId,
              local: message,
              localHlc: meta.hlc,
              remoteHlc: r.hlc,
              detectedAt: now,
            });
            conflicts += 1;
          }
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
      return;
    }

    // A message.
    const data = r.deleted ? null : validateMessage(r.data);
    if (data && data.id !== r.id) throw invalid(i, `carries message ${data.id} under id ${r.id}`);
    if (data && s.meta('conversation', data.conversationId)?.deleted) {
      // Its conversation is deleted here; the server answers such messages as stale too.
      return;
    }
    if (local?.syncStatus === 'pending') keepConflict('message', r.id, local, r.hlc);
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
  });

  if (cursor !== undefined) s.setCursor(cursor);
  return { applied, conflicts };
}
