// On load: an assistant message left `pending` or `streaming` with no stream
// alive in any tab was cut off (tab closed, crash). It becomes `interrupted`
// and keeps every character that was saved.
import type { ChatStorageAdapter, Message } from '../types.js';
import type { StreamLocks } from './stream-locks.js';

/** Streams always write the newest messages, so the latest page is enough to look at. */
const RECENT = 50;

export function isUnfinished(m: Message): boolean {
  return m.role === 'assistant' && (m.status === 'pending' || m.status === 'streaming');
}

/** Marks the conversation's cut-off answers interrupted; returns how many. */
export async function recoverInterrupted(
  storage: Pick<ChatStorageAdapter, 'getMessages' | 'updateMessage'>,
  locks: StreamLocks,
  conversationId: string,
): Promise<number> {
  const { messages } = await storage.getMessages(conversationId, { limit: RECENT });
  const stuck = messages.filter(isUnfinished);
  if (stuck.length === 0) return 0;
  if (await locks.isLive(conversationId)) return 0;
  for (const m of stuck) {
    await storage.updateMessage(m.id, { status: 'interrupted' });
  }
  return stuck.length;
}

/** A stream cut off before this long ago was already recovered by an earlier start. */
const RECENT_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * On start: recovers every recently active conversation of every project, so
 * that a cut-off answer is marked (and syncs as such) even before it is opened.
 */
export async function recoverAllRecent(
  storage: Pick<ChatStorageAdapter, 'getMessages' | 'updateMessage' | 'listProjects' | 'listConversations'>,
  locks: StreamLocks,
  now = Date.now(),
): Promise<number> {
  let recovered = 0;
  for (const projectId of await storage.listProjects()) {
    const conversations = await storage.listConversations(projectId, { includeArchived: true });
    for (const c of conversations) {
      if (now - c.updatedAt > RECENT_DAYS_MS) break; // newest first: the rest are older
      recovered += await recoverInterrupted(storage, locks, c.id);
    }
  }
  return recovered;
}
