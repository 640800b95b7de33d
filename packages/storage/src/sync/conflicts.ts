// Conflict handling, decided once for both adapters: whether a pulled change
// replaces what the device holds, whether the local version it replaces is
// an edit the user would lose (then it is kept as a conflict), and the
// conflict record itself. The adapters only read and write their stores.
import { newId } from '../ids.js';
import { sameSyncedConversation } from '../records.js';
import type {
  RecordData,
  RecordKind,
  ServerRecordChange,
  SyncConflict,
  SyncedConversation,
  SyncMetadata,
} from '../types.js';

/**
 * Last write wins by stamp, with one exception. When the server deletes a
 * conversation, it deletes all the conversation's messages too, and stamps
 * each of those message tombstones with the conversation delete's stamp. A
 * message written on a device that had not yet seen the delete has a newer
 * stamp than that tombstone. If this device holds such a message as synced
 * (it mirrors an earlier server version), the tombstone's later version is
 * still the server's current state, and this device must apply it: once a
 * newer edit brings the conversation back, this tombstone is the only way
 * the device learns that the message is gone. A pending local edit is left
 * alone: it is pushed, and the server decides.
 */
export function remoteWins(local: SyncMetadata | undefined, remote: ServerRecordChange): boolean {
  if (!local || local.hlc < remote.hlc) return true;
  return (
    remote.kind === 'message' &&
    remote.deleted &&
    !local.deleted &&
    local.syncStatus === 'synced' &&
    local.version !== undefined &&
    remote.version > local.version
  );
}

/**
 * Whether replacing the local record (its entry `local`, its data `mine`,
 * null for a local delete) with `remote` (null for a delete) loses an edit
 * the server never had: a pending or device-only write. Losing only a choice
 * of the branch shown is no lost edit.
 */
export function losesLocalEdit(
  kind: RecordKind,
  local: SyncMetadata | undefined,
  mine: RecordData | null,
  remote: RecordData | null,
): boolean {
  if (local?.syncStatus !== 'pending' && local?.syncStatus !== 'local-only') return false;
  const onlyBranch =
    kind === 'conversation' &&
    mine !== null &&
    remote !== null &&
    sameSyncedConversation(mine as SyncedConversation, remote as SyncedConversation, {
      exceptActiveLeaf: true,
    });
  return !onlyBranch;
}

/** The conflict that keeps a losing local version for the user. */
export function conflictOf(
  kind: RecordKind,
  recordId: string,
  local: SyncMetadata,
  mine: RecordData | null,
  remoteHlc: string,
  detectedAt: number,
): SyncConflict {
  return {
    id: newId(),
    kind,
    recordId,
    projectId: local.projectId,
    local: local.deleted ? null : mine,
    localHlc: local.hlc,
    remoteHlc,
    detectedAt,
  };
}

/** Newest first; the same order in every adapter. */
export function byNewest(a: SyncConflict, b: SyncConflict): number {
  return b.detectedAt - a.detectedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
