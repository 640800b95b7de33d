// Writes reported by the adapter and not yet applied to the index, merged
// so that a burst of writes (a streaming reply) becomes one update.
import type { StorageChange } from '../types.js';

export interface Pending {
  /** Conversations whose record (title, flags, summary) must be read again. */
  conversations: Set<string>;
  deletedConversations: Set<string>;
  /** Deleted and written again before the index caught up: reindexed whole, so nothing of before lingers. */
  recreated: Set<string>;
  /** Messages to read again, by conversation. */
  messages: Map<string, Set<string>>;
  /** Deleted message id -> its conversation. */
  deletedMessages: Map<string, string>;
}

export const emptyPending = (): Pending => ({
  conversations: new Set(),
  deletedConversations: new Set(),
  recreated: new Set(),
  messages: new Map(),
  deletedMessages: new Map(),
});

export function isEmpty(p: Pending): boolean {
  return p.conversations.size + p.deletedConversations.size + p.messages.size + p.deletedMessages.size === 0;
}

/** Merges one reported write; a later report about the same record overrides an earlier one. */
export function addChange(p: Pending, change: StorageChange): void {
  for (const c of change.conversations) {
    if (c.deleted) {
      p.deletedConversations.add(c.id);
      p.conversations.delete(c.id);
      p.messages.delete(c.id);
    } else {
      if (p.deletedConversations.delete(c.id)) p.recreated.add(c.id);
      p.conversations.add(c.id);
    }
  }
  for (const m of change.messages) {
    if (m.deleted) {
      p.messages.get(m.conversationId)?.delete(m.id);
      p.deletedMessages.set(m.id, m.conversationId);
    } else {
      p.deletedMessages.delete(m.id);
      const ids = p.messages.get(m.conversationId) ?? new Set<string>();
      ids.add(m.id);
      p.messages.set(m.conversationId, ids);
    }
    // The conversation's summary moved too: refresh what is known about it.
    if (!p.deletedConversations.has(m.conversationId)) p.conversations.add(m.conversationId);
  }
}
