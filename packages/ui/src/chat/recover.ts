// On load: an assistant message left `pending` or `streaming` with no stream
// alive in any tab was cut off (tab closed, crash). It becomes `interrupted`
// and keeps every character that was saved.
import type { ChatStorageAdapter, Message } from '@chatkeep/storage';
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
