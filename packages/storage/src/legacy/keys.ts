// Where LeanSpec's web UI kept chat history in localStorage.

/** One JSON array of AI SDK messages: the single-history layout. */
export const LEGACY_HISTORY_KEY = 'leanspec-chat-history';
/** The thread index of the threads layout. */
export const LEGACY_THREADS_KEY = 'leanspec-chat-threads';
export const LEGACY_MESSAGES_PREFIX = 'leanspec-chat-messages-';
/** Legacy chats had no projects; they land here unless the caller names one. */
export const LEGACY_DEFAULT_PROJECT = 'default';

export function legacyMessagesKey(threadId: string): string {
  return `${LEGACY_MESSAGES_PREFIX}${threadId}`;
}

/** The fixed conversation id of a single history, so a second run updates instead of duplicating. */
export function singleHistoryConversationId(key: string): string {
  return `legacy-${key}`.slice(0, 200);
}
