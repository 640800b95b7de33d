// On load: an assistant message left `pending` or `streaming` with no stream
// alive in any tab was cut off (tab closed, crash). It becomes `interrupted`
// and keeps every character that was saved. An answer another device is
// still streaming (it arrives here by sync, a chunk a second) is not this
// device's to mark, unless it has gone quiet for long: that device is gone.
import { parseHlc } from '../hlc.js';
import type { ChatStorageAdapter, Message, SyncSource } from '../types.js';
import type { StreamLocks } from './stream-locks.js';

/** Streams always write the newest messages, so the latest page is enough to look at. */
const RECENT = 50;

export function isUnfinished(m: Message): boolean {
  return m.role === 'assistant' && (m.status === 'pending' || m.status === 'streaming');
}

/** An answer streamed by another device and not written for this long was cut off there. */
export const REMOTE_STREAM_QUIET_MS = 2 * 60_000;

type RecoverableStorage = Pick<ChatStorageAdapter, 'getMessages' | 'updateMessage'> &
  Partial<Pick<SyncSource, 'clientId' | 'getSyncMetadata'>>;

/** Marks the conversation's cut-off answers interrupted; returns how many. */
export async function recoverInterrupted(
  storage: RecoverableStorage,
  locks: StreamLocks,
  conversationId: string,
  now = Date.now(),
): Promise<number> {
  const { messages } = await storage.getMessages(conversationId, { limit: RECENT });
  const stuck = messages.filter(isUnfinished);
  if (stuck.length === 0) return 0;
  if (await locks.isLive(conversationId)) return 0;
  let recovered = 0;
  for (const m of stuck) {
    if (await streamingElsewhere(storage, m, now)) continue;
    await storage.updateMessage(m.id, { status: 'interrupted' });
    recovered += 1;
  }
  return recovered;
}

/** Whether the last write of `m` came from another device, recently. */
async function streamingElsewhere(storage: RecoverableStorage, m: Message, now: number): Promise<boolean> {
  if (!storage.getSyncMetadata || !storage.clientId) return false;
  const meta = await storage.getSyncMetadata('message', m.id);
  const stamp = meta && parseHlc(meta.hlc);
  if (!stamp || stamp.clientId === storage.clientId) return false;
  return now - stamp.ms < REMOTE_STREAM_QUIET_MS;
}

/** A stream cut off before this long ago was already recovered by an earlier start. */
const RECENT_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * On start: recovers every recently active conversation of every project, so
 * that a cut-off answer is marked (and syncs as such) even before it is opened.
 */
export async function recoverAllRecent(
  storage: RecoverableStorage & Pick<ChatStorageAdapter, 'listProjects' | 'listConversations'>,
  locks: StreamLocks,
  now = Date.now(),
): Promise<number> {
  let recovered = 0;
  for (const projectId of await storage.listProjects()) {
    const conversations = await storage.listConversations(projectId, { includeArchived: true });
    for (const c of conversations) {
      if (now - c.updatedAt > RECENT_DAYS_MS) break; // newest first: the rest are older
      recovered += await recoverInterrupted(storage, locks, c.id, now);
    }
  }
  return recovered;
}
