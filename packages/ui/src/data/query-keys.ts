import type { StorageChange } from '@chatkeep/storage';

export const queryKeys = {
  projects: ['projects'] as const,
  /** Under `projects`: invalidated with it. */
  projectRecords: ['projects', 'records'] as const,
  conversations: (projectId: string) => ['conversations', projectId] as const,
  /** Under the project's conversations: refreshed whenever they are. */
  tags: (projectId: string) => ['conversations', projectId, 'tags'] as const,
  /** Every usage figure: refreshed by any message write. */
  usage: ['usage'] as const,
  usageSummary: (days: number, projectId: string | undefined) => ['usage', days, projectId ?? '*'] as const,
  conversation: (id: string) => ['conversation', id] as const,
  messages: (conversationId: string) => ['messages', conversationId] as const,
  /** Everything read across branches: invalidated as one, by prefix. */
  tree: (conversationId: string) => ['tree', conversationId] as const,
  wholeTree: (conversationId: string) => ['tree', conversationId, 'all'] as const,
  versions: (conversationId: string, messageId: string) =>
    ['tree', conversationId, 'versions', messageId] as const,
};

/** Whether a key is a list over many conversations (re-read whole on every change to any of them). */
export function isListKey(key: readonly string[]): boolean {
  return key[0] === 'projects' || key[0] === 'conversations';
}

/** The queries a committed write makes stale. */
export function keysForChange(change: StorageChange): (readonly string[])[] {
  const keys: (readonly string[])[] = [queryKeys.conversations(change.projectId)];
  if (change.conversations.length > 0 || (change.projects?.length ?? 0) > 0) {
    keys.push(queryKeys.projects);
  }
  if (change.messages.length > 0) keys.push(queryKeys.usage);
  const conversationIds = new Set<string>();
  for (const c of change.conversations) conversationIds.add(c.id);
  for (const m of change.messages) conversationIds.add(m.conversationId);
  for (const id of conversationIds) {
    keys.push(queryKeys.conversation(id));
    keys.push(queryKeys.messages(id));
    keys.push(queryKeys.tree(id));
  }
  return keys;
}
