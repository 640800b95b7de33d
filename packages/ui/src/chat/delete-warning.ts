import type { Conversation } from '@chatkeep/storage';

const plural = (n: number) => `${n} ${n === 1 ? 'message' : 'messages'}`;

/**
 * What "Delete" will remove, said before it happens. `total` counts every
 * message of every version (what goes); `messageCount` only the branch
 * shown, so other versions are named when there are any. Until `total` is
 * read the warning does not give a number it cannot stand by.
 */
export function deleteWarning(
  conversation: Pick<Conversation, 'title' | 'messageCount'>,
  total: number | undefined,
  syncing: boolean,
): string {
  const where = syncing ? 'from this device and, through sync, from your other devices' : 'from this device';
  const hidden = total === undefined ? 0 : total - conversation.messageCount;
  const what =
    total === undefined
      ? 'all its messages'
      : hidden > 0
        ? `all its ${plural(total)} (${hidden} of them in other versions)`
        : `its ${plural(total)}`;
  return `“${conversation.title || 'New chat'}” and ${what} will be deleted ${where}. This cannot be undone.`;
}

/** What "Delete message" will remove: the message and every message under it. */
export function deleteMessageWarning(count: number): string {
  return count === 1
    ? 'This message will be deleted. This cannot be undone.'
    : `This message and the ${count - 1} ${count - 1 === 1 ? 'message' : 'messages'} after it (${count} in all, other versions included) will be deleted. This cannot be undone.`;
}
