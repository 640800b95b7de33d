import type { Conversation } from '@chatkeep/storage';

/** What "Delete" will remove, said before it happens. */
export function deleteWarning(
  conversation: Pick<Conversation, 'title' | 'messageCount'>,
  syncing: boolean,
): string {
  const count = conversation.messageCount;
  const where = syncing ? 'from this device and, through sync, from your other devices' : 'from this device';
  return `“${conversation.title || 'New chat'}” and its ${count} ${count === 1 ? 'message' : 'messages'} will be deleted ${where}. This cannot be undone.`;
}
