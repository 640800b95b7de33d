// Versions of a message tree in the localStorage adapter: reading a branch,
// listing and switching versions, forking a branch into a new conversation.
import { ChatStorageError } from '../errors.js';
import { newId } from '../ids.js';
import { clampLimit, newConversation, syncedPart } from '../records.js';
import { validateConversationPatch } from '../schema.js';
import { branchTo, newestLeafUnder, resolveActiveLeaf, versionsOf } from '../tree/index.js';
import type { Conversation, GetMessagesOptions, Message, MessagePage } from '../types.js';
import { setActiveLeaf, writeConversation } from './local-writes.js';
import type { Session } from './session.js';

function notFound(message: string): ChatStorageError {
  return new ChatStorageError('not-found', message);
}

function messageIn(messages: readonly Message[], conversationId: string, id: string, role: string): Message {
  const message = messages.find((m) => m.id === id);
  if (!message) {
    throw notFound(
      `Message ${id} is not in conversation ${conversationId}; pass the id of one of its messages as ${role}.`,
    );
  }
  return message;
}

/**
 * A page of the active branch (or of the branch ending at leafId), root
 * first, ending before `before`. The page that reaches the top of a branch
 * whose first message's parent has not synced yet names that parent.
 */
export function getMessages(s: Session, conversationId: string, opts: GetMessagesOptions = {}): MessagePage {
  const limit = clampLimit(opts.limit);
  const messages = s.messagesOf(conversationId);
  const leaf =
    opts.leafId === undefined
      ? resolveActiveLeaf(messages, s.conversation(conversationId)?.activeLeafId)
      : messageIn(messages, conversationId, opts.leafId, 'leafId');
  const branch = leaf ? branchTo(messages, leaf.id) : { messages: [] };
  let end = branch.messages.length;
  if (opts.before !== undefined) {
    end = branch.messages.findIndex((m) => m.id === opts.before);
    if (end < 0) {
      throw notFound(
        `Message ${opts.before} is not on this branch of conversation ${conversationId}; page with the id of the oldest message you already have.`,
      );
    }
  }
  const start = Math.max(0, end - limit);
  const page: MessagePage = { messages: branch.messages.slice(start, end), hasMore: start > 0 };
  if (start === 0 && branch.missingParentId !== undefined) page.missingParentId = branch.missingParentId;
  return page;
}

export function listVersions(s: Session, messageId: string): { versions: Message[]; index: number } {
  const found = s.findMessage(messageId);
  if (!found) throw notFound(`Message ${messageId} does not exist, so it has no versions to list.`);
  return versionsOf(s.messagesOf(found.conversationId), messageId)!;
}

function existing(s: Session, conversationId: string, doing: string): Conversation {
  const conversation = s.conversation(conversationId);
  if (!conversation) throw notFound(`Conversation ${conversationId} does not exist, so ${doing}.`);
  return conversation;
}

/** activeLeafId := the newest leaf under messageId. */
export function selectVersion(s: Session, conversationId: string, messageId: string): Conversation {
  const conversation = existing(s, conversationId, 'no version of it can be chosen');
  const messages = s.messagesOf(conversationId);
  messageIn(messages, conversationId, messageId, 'the version to show');
  const leaf = newestLeafUnder(messages, messageId)!.id;
  if (conversation.activeLeafId === leaf) return conversation;
  return setActiveLeaf(s, conversation, leaf);
}

/** Copies the branch ending at messageId into a new conversation of the same project, with new ids. */
export function forkConversation(
  s: Session,
  conversationId: string,
  messageId: string,
  opts: { title?: string } | undefined,
  now: number,
): Conversation {
  const original = existing(s, conversationId, 'it cannot be forked');
  const messages = s.messagesOf(conversationId);
  messageIn(messages, conversationId, messageId, 'the message to fork at');
  const title = validateConversationPatch({ title: opts?.title ?? original.title }).title;
  const fork: Conversation = {
    ...newConversation({ projectId: original.projectId, title }, now),
    forkedFrom: { conversationId, messageId },
  };
  writeConversation(s, syncedPart(fork));
  let parentId: string | null = null;
  for (const source of branchTo(messages, messageId).messages) {
    const copy: Message = { ...source, id: newId(), conversationId: fork.id, parentId };
    s.storeMessage(copy);
    s.stamp('message', copy.id, copy.projectId, false, fork.id);
    s.noteMessage(copy.projectId, copy.id, fork.id, false);
    parentId = copy.id;
  }
  return s.refreshSummary(fork.id)!;
}
