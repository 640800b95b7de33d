// Reads what an export covers without holding a whole history in memory:
// the conversations in scope, then one conversation's messages at a time.
import { ChatStorageError } from '../errors.js';
import { activeBranch, childrenByParent } from '../tree/index.js';
import type { ChatStorageAdapter, Conversation, Message } from '../types.js';

export interface ExportScope {
  /** Every conversation of this project (archived ones too). */
  projectId?: string;
  /** Exactly these conversations, in this order (within `projectId` when both are given). */
  conversationIds?: string[];
}

/** The conversations in scope, resolved up front so a bad id fails before any output. */
export async function conversationsInScope(
  adapter: ChatStorageAdapter,
  scope: ExportScope,
): Promise<Conversation[]> {
  if (scope.conversationIds) {
    const found: Conversation[] = [];
    for (const id of new Set(scope.conversationIds)) {
      const conversation = await adapter.getConversation(id);
      if (!conversation) {
        throw new ChatStorageError(
          'not-found',
          `Cannot export conversation ${id}: it does not exist (it may have been deleted).`,
        );
      }
      if (scope.projectId !== undefined && conversation.projectId !== scope.projectId) {
        throw new ChatStorageError(
          'invalid-input',
          `Conversation ${id} belongs to project ${conversation.projectId}, not ${scope.projectId}.`,
        );
      }
      found.push(conversation);
    }
    return found;
  }
  const projects = scope.projectId !== undefined ? [scope.projectId] : await adapter.listProjects();
  const all: Conversation[] = [];
  for (const projectId of projects) {
    all.push(...(await adapter.listConversations(projectId, { includeArchived: true })));
  }
  return all;
}

/** Lets the page paint and other work run between slices of a long export. */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** `items` in slices of at most `size`. */
export function* pagesOf<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export interface ConversationTree {
  /** The branch the conversation shows, root first. */
  activeBranch: Message[];
  /** How many branches (leaves) the conversation has. */
  leaves: number;
  /** Where a message stands among its versions (1-based), when it has siblings. */
  versionOf(message: Message): { index: number; count: number } | undefined;
}

/**
 * One conversation's tree, read whole: versions and branches can only be
 * told from every message, so a conversation is the unit held in memory.
 */
export async function readTree(
  adapter: ChatStorageAdapter,
  conversation: Pick<Conversation, 'id' | 'activeLeafId'>,
): Promise<ConversationTree> {
  const all = await adapter.loadConversation(conversation.id);
  const children = childrenByParent(all);
  return {
    activeBranch: activeBranch(all, conversation.activeLeafId).messages,
    leaves: all.filter((m) => !children.has(m.id)).length,
    versionOf(message) {
      const versions = children.get(message.parentId ?? null) ?? [];
      return versions.length > 1
        ? { index: versions.indexOf(message) + 1, count: versions.length }
        : undefined;
    },
  };
}
