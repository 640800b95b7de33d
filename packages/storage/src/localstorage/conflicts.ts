// Sync conflicts kept for the user: listing, dismissing, and restoring the
// losing local version as a new local write.
import { ChatStorageError } from '../errors.js';
import { newConversation, syncedPart } from '../records.js';
import { byNewest } from '../sync/conflicts.js';
import type { Message, SyncConflict, SyncedConversation } from '../types.js';
import * as local from './local-writes.js';
import type { Session } from './session.js';

export function listConflicts(s: Session): SyncConflict[] {
  return [...s.conflicts()].sort(byNewest);
}

function take(s: Session, conflictId: string): SyncConflict {
  const list = s.conflicts();
  const conflict = list.find((c) => c.id === conflictId);
  if (!conflict) {
    throw new ChatStorageError(
      'not-found',
      `Sync conflict ${conflictId} does not exist; it may have been restored or dismissed already.`,
    );
  }
  s.tx.set(
    s.keys.conflicts,
    list.filter((c) => c.id !== conflictId),
  );
  return conflict;
}

export function dismissConflict(s: Session, conflictId: string): void {
  take(s, conflictId);
}

export function restoreConflict(s: Session, conflictId: string, now: number): void {
  const conflict = take(s, conflictId);
  if (conflict.kind === 'conversation') {
    if (conflict.local) {
      const version = conflict.local as SyncedConversation;
      local.writeConversation(s, { ...version, updatedAt: Math.max(version.updatedAt, now) });
    } else if (s.conversation(conflict.recordId)) {
      local.deleteConversation(s, conflict.recordId);
    }
    return;
  }
  if (conflict.local) {
    const message = conflict.local as Message;
    if (!s.conversation(message.conversationId)) {
      // Its conversation is gone: bring back an empty shell so the message has a home.
      const shell = newConversation({ projectId: message.projectId, id: message.conversationId }, now);
      local.writeConversation(s, syncedPart(shell));
    }
    local.restoreMessage(s, message, now);
  } else if (s.findMessage(conflict.recordId)) {
    local.deleteMessage(s, conflict.recordId);
  }
}
