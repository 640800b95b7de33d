// Last-write-wins, decided the same way by every store: given what is stored
// for a record (and its conversation), what happens to an incoming change.
import { compareHlc } from '@chatkeep/storage/protocol';
import type { RecordHead, ValidChange } from '../store/types.js';

export type Decision =
  /** Store the change under a new version. */
  | { action: 'write' }
  /** The same stamp is already stored: answer applied with its version. */
  | { action: 'repeat'; version: number }
  | { action: 'stale'; current: RecordHead };

/**
 * `stored` is the record's current state; `conversation` is the stored
 * conversation of an incoming message (undefined for conversations).
 *
 * A message change for a deleted conversation is never applied: it answers
 * `stale` with the conversation's tombstone as `current`, so the client
 * learns the deletion and drops the conversation with all its messages.
 */
export function resolveChange(
  incoming: ValidChange,
  stored: RecordHead | undefined,
  conversation: RecordHead | undefined,
): Decision {
  if (stored) {
    const order = compareHlc(incoming.hlc, stored.hlc);
    if (order === 0) return { action: 'repeat', version: stored.version };
    if (order < 0) return { action: 'stale', current: stored };
  }
  if (incoming.kind === 'message' && conversation?.deleted) {
    return { action: 'stale', current: conversation };
  }
  return { action: 'write' };
}

/**
 * Whether a conversation delete stamped `deleteHlc` takes a live message with
 * it. When the delete wins, every message goes. When a newer edit keeps the
 * conversation alive, only messages stamped before the delete go: those are
 * the ones the deleting device had (its clock is past every stamp it saw) and
 * has already removed locally, so every device converges on the same set.
 */
export function deleteTakesMessage(messageHlc: string, deleteHlc: string, deleteWon: boolean): boolean {
  return deleteWon || compareHlc(messageHlc, deleteHlc) < 0;
}

/**
 * The order in which a batch is applied: conversations first, then messages,
 * each in the order sent. A batch that restores a conversation and adds
 * messages to it then succeeds whatever the stamps' order in the batch.
 * Results are still answered in the order of the request.
 */
export function applicationOrder(changes: readonly { kind: string }[]): number[] {
  const indexes = changes.map((_, i) => i);
  return [
    ...indexes.filter((i) => changes[i]!.kind === 'conversation'),
    ...indexes.filter((i) => changes[i]!.kind !== 'conversation'),
  ];
}
