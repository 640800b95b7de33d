// Last-write-wins, decided the same way by every store: given what is stored
// for a record (and its conversation), what happens to an incoming change.
import { compareHlc } from '@chatkeep/storage';
import type { ServerChange } from '../protocol.js';
import type { ValidChange } from '../store/types.js';

export type Decision =
  /** Store the change under a new version. */
  | { action: 'write' }
  /** The same stamp is already stored: answer applied with its version. */
  | { action: 'repeat'; version: number }
  | { action: 'stale'; current: ServerChange };

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
  stored: ServerChange | undefined,
  conversation: ServerChange | undefined,
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
