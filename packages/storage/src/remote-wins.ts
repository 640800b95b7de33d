// The rule both adapters' applyRemote use to decide whether a pulled change
// replaces what the device holds for the record.
import type { ServerRecordChange, SyncMetadata } from './types.js';

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
