// Reads what an export covers without holding a whole history in memory:
// the conversations in scope, then each conversation's messages page by page
// in chronological order.
import { ChatStorageError } from '../errors.js';
import { compareMessages } from '../records.js';
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

/**
 * A conversation's messages in chronological pages of at most `pageSize`.
 * A conversation of up to `wholeLimit` messages is read in one go (far
 * faster than stepping a cursor). Longer ones are paged: `getMessages` pages
 * backwards from the newest, so the conversation is walked twice, first
 * backwards remembering only where each page starts, then forwards page by
 * page. Messages added meanwhile are picked up.
 */
export async function* chronologicalPages(
  adapter: ChatStorageAdapter,
  conversation: Pick<Conversation, 'id' | 'messageCount'>,
  pageSize: number,
  wholeLimit = pageSize * 4,
): AsyncGenerator<Message[]> {
  const conversationId = conversation.id;
  if (conversation.messageCount <= wholeLimit) {
    const all = await adapter.loadConversation(conversationId);
    if (all.length <= wholeLimit) {
      for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
      return;
    }
  }
  const first = await adapter.getMessages(conversationId, { limit: pageSize });
  if (!first.hasMore) {
    if (first.messages.length > 0) yield first.messages;
    return;
  }
  // befores[i] is the `before` cursor of page i, counting back from the newest.
  const befores: (string | undefined)[] = [undefined];
  let oldest = first.messages[0];
  let hasMore: boolean = first.hasMore;
  while (hasMore && oldest) {
    befores.push(oldest.id);
    const page = await adapter.getMessages(conversationId, { limit: pageSize, before: oldest.id });
    oldest = page.messages[0];
    hasMore = page.hasMore;
  }
  let last: Message | undefined;
  for (let i = befores.length - 1; i >= 0; i--) {
    const page = await pageAfter(adapter, conversationId, pageSize, befores[i], last);
    if (page.length === 0) continue;
    last = page[page.length - 1];
    yield page;
  }
}

/**
 * The page ending before `before`, limited to messages after `last`. When
 * messages were inserted since the first walk, it reaches further back
 * until it meets `last`, so nothing in between is skipped.
 */
async function pageAfter(
  adapter: ChatStorageAdapter,
  conversationId: string,
  pageSize: number,
  before: string | undefined,
  last: Message | undefined,
): Promise<Message[]> {
  const isNew = (m: Message) => !last || compareMessages(m, last) > 0;
  let page = await adapter.getMessages(conversationId, { limit: pageSize, before });
  const collected = page.messages.filter(isNew);
  while (last && page.hasMore && page.messages[0] && isNew(page.messages[0])) {
    page = await adapter.getMessages(conversationId, { limit: pageSize, before: page.messages[0].id });
    collected.unshift(...page.messages.filter(isNew));
  }
  return collected;
}
