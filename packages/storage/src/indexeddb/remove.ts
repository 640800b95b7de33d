// Removing a conversation with its messages: shared by deleteConversation,
// clearProject, remote tombstones and restored deletes.
import type { Message } from '../types.js';
import type { StoredSyncMetadata } from './schema.js';
import { type ChangeSet, conversationRange, syncedMeta, type WriteTx } from './tx.js';

/**
 * Deletes conversation `id` and every message of it. The messages' metadata
 * becomes synced tombstones at `hlc`: the server cascades a conversation's
 * tombstone to its messages, so they need no push of their own.
 * `beforeDrop` sees each message with its entry, to keep an edit the server never had.
 */
export async function removeConversation(
  tx: WriteTx,
  conversation: { id: string; projectId: string },
  hlc: string,
  changes: ChangeSet,
  beforeDrop?: (message: Message, meta: StoredSyncMetadata) => Promise<void>,
): Promise<void> {
  const metas = tx.objectStore('sync_metadata');
  let cursor = await tx
    .objectStore('messages')
    .index('byConversationCreated')
    .openCursor(conversationRange(conversation.id));
  const removed: Message[] = [];
  while (cursor) {
    removed.push(cursor.value);
    await cursor.delete();
    cursor = await cursor.continue();
  }
  for (const message of removed) {
    const previous = await metas.get(['message', message.id]);
    if (previous && beforeDrop) await beforeDrop(message, previous);
    await metas.put(
      syncedMeta(
        previous,
        { kind: 'message', id: message.id, projectId: message.projectId, deleted: true },
        hlc,
        undefined,
        undefined,
      ),
    );
    changes.message(message, true);
  }
  await tx.objectStore('conversations').delete(conversation.id);
  changes.conversation(conversation.projectId, conversation.id, true);
}
