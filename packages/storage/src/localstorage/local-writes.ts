// This device's writes, each inside a Session: the record, its summary and its
// sync metadata (a new stamp, pending) change together. Shared by the
// adapter's methods and by restoring a sync conflict.
import { ChatStorageError } from '../errors.js';
import {
  buildMessage,
  checkSameProject,
  checkSaveConversationArgs,
  newConversation,
  patchConversation,
  patchMessage,
  sameSyncedConversation,
  syncedPart,
  upsertConversation,
} from '../records.js';
import { validateMessageInput, validateSyncedConversation } from '../schema.js';
import {
  branchTo,
  checkNoCycle,
  checkParent,
  childrenByParent,
  leafAfterDelete,
  newestLeafUnder,
  resolveActiveLeaf,
  subtreeIds,
} from '../tree/index.js';
import type {
  Conversation,
  ConversationInput,
  ConversationPatch,
  Message,
  MessageInput,
  SyncedConversation,
} from '../types.js';
import type { Session } from './session.js';

function notFound(what: string): ChatStorageError {
  return new ChatStorageError('not-found', what);
}

/** Stores a conversation's synced fields, deriving its summary from the messages held here, and stamps it. */
export function writeConversation(s: Session, synced: SyncedConversation): Conversation {
  s.storeConversation({ ...synced, messageCount: 0 });
  const stored = s.refreshSummary(synced.id)!;
  s.stamp('conversation', synced.id, synced.projectId, false, synced.id);
  s.noteConversation(synced.projectId, synced.id, false);
  return stored;
}

export function createConversation(
  s: Session,
  input: { projectId: string; title?: string; id?: string },
  now: number,
): Conversation {
  const conversation = newConversation(input, now);
  if (s.conversation(conversation.id)) {
    throw new ChatStorageError(
      'invalid-input',
      `A conversation with id ${conversation.id} already exists; use updateConversation or saveConversation to change it.`,
    );
  }
  return writeConversation(s, syncedPart(conversation));
}

export function updateConversation(
  s: Session,
  id: string,
  patch: ConversationPatch,
  now: number,
): Conversation {
  const existing = s.conversation(id);
  if (!existing) throw notFound(`Conversation ${id} does not exist, so it cannot be updated.`);
  const next = patchConversation(existing, patch, now);
  s.storeConversation(next);
  s.stamp('conversation', id, next.projectId, false, id);
  s.noteConversation(next.projectId, id, false);
  return next;
}

/** Deletes a conversation and its messages: a pending tombstone for it, synced ones for its messages. */
export function deleteConversation(s: Session, id: string): void {
  const entry = s.entry(id);
  const conversation = entry?.conversation;
  if (!entry || !conversation) throw notFound(`Conversation ${id} does not exist, so it cannot be deleted.`);
  s.dropConversation(id);
  const hlc = s.stamp('conversation', id, conversation.projectId, true, id, entry.meta);
  for (const message of entry.messages) {
    const previous = entry.messageMetas[message.id];
    // The server deletes a conversation's messages itself: these tombstones need no push.
    s.setMeta(
      {
        kind: 'message',
        id: message.id,
        projectId: message.projectId,
        hlc,
        deleted: true,
        syncStatus: 'synced',
        ...(previous?.version !== undefined && { version: previous.version }),
        ...(previous?.lastSyncedAt !== undefined && { lastSyncedAt: previous.lastSyncedAt }),
      },
      id,
    );
    s.noteMessage(conversation.projectId, message.id, id, true);
  }
  s.noteConversation(conversation.projectId, id, true);
}

/** Stores a validated message in its (existing) conversation, stamps it and updates the summary. */
function writeMessage(s: Session, message: Message): Message {
  const conversation = s.conversation(message.conversationId);
  if (!conversation) {
    throw notFound(
      `Conversation ${message.conversationId} does not exist; create it before saving message ${message.id} to it.`,
    );
  }
  checkSameProject(message, conversation);
  s.storeMessage(message);
  s.stamp('message', message.id, message.projectId, false, message.conversationId);
  s.refreshSummary(message.conversationId, message.updatedAt);
  s.noteMessage(message.projectId, message.id, message.conversationId, false);
  s.noteConversation(message.projectId, message.conversationId, false);
  return message;
}

export function saveMessage(s: Session, raw: MessageInput, now: number): Message {
  return putMessage(s, validateMessageInput(raw), now);
}

/**
 * Writes a lost version of a message back (restoring a sync conflict). Its
 * parent may be gone meanwhile: it is kept anyway, waiting for that parent
 * as a message synced before its parent does, never refused and lost.
 */
export function restoreMessage(s: Session, message: Message, now: number): Message {
  const parentGone = message.parentId != null && s.messageIndex()[message.parentId] === undefined;
  if (!parentGone || s.findMessage(message.id)) return saveMessage(s, message, now);
  return writeMessage(s, buildMessage(validateMessageInput(message), undefined, now));
}

/**
 * saveMessage for an input that already passed validateMessageInput. A new
 * message without parentId follows the active leaf and becomes it; one with
 * parentId becomes it when it is the newest under that parent. A message
 * already stored keeps its parentId (buildMessage refuses another one).
 */
function putMessage(s: Session, input: MessageInput, now: number): Message {
  const existing = s.findMessage(input.id)?.message;
  if (existing) return writeMessage(s, buildMessage(input, existing, now));
  const conversation = s.conversation(input.conversationId);
  if (!conversation) {
    throw notFound(
      `Conversation ${input.conversationId} does not exist; create it before saving message ${input.id} to it.`,
    );
  }
  const follows = input.parentId === undefined;
  // A version of a message still waiting for its parent (sync has not brought it) is a sibling of it.
  const awaited = !follows && s.messagesOf(conversation.id).some((m) => m.parentId === input.parentId);
  if (!follows && !awaited) checkParent(input, parentOf(s, input.parentId));
  const leaf = resolveActiveLeaf(s.messagesOf(conversation.id), conversation.activeLeafId);
  const message = writeMessage(s, buildMessage(input, undefined, now, leaf?.id ?? null));
  const siblings = childrenByParent(s.messagesOf(conversation.id)).get(message.parentId) ?? [];
  // An answer still streaming in a version the user has left keeps writing there without taking the view back.
  const shown = leaf && branchTo(s.messagesOf(conversation.id), leaf.id);
  // The parent a shown branch waits for (not synced yet) counts as on it.
  const onShownBranch =
    message.parentId === null ||
    !shown ||
    shown.missingParentId === message.parentId ||
    shown.messages.some((m) => m.id === message.parentId);
  if (follows || (siblings.at(-1)?.id === message.id && onShownBranch))
    showLeaf(s, conversation.id, message.id);
  // An older version must not take over the branch shown (as the newest leaf would when activeLeafId is absent).
  else if (leaf) showLeaf(s, conversation.id, leaf.id);
  return message;
}

/** The stored message a parentId names, as checkParent wants it. */
function parentOf(s: Session, parentId: string | null | undefined) {
  if (parentId === null || parentId === undefined) return undefined;
  const conversationId = s.messageIndex()[parentId];
  return conversationId === undefined ? undefined : { id: parentId, conversationId };
}

/** Stores the conversation's choice of active leaf (absent: the newest leaf), stamped as a synced change. */
export function setActiveLeaf(
  s: Session,
  conversation: Conversation,
  leafId: string | undefined,
): Conversation {
  const next: Conversation = { ...conversation, activeLeafId: leafId };
  if (leafId === undefined) delete next.activeLeafId;
  s.storeConversation(next);
  const stored = s.refreshSummary(conversation.id)!;
  s.stamp('conversation', conversation.id, conversation.projectId, false, conversation.id);
  s.noteConversation(conversation.projectId, conversation.id, false);
  return stored;
}

/**
 * Makes `leafId` the end of the branch shown. The conversation is written
 * only when it did not show it already: activeLeafId syncs with the rest of
 * the conversation record, so a needless write could undo another device's
 * rename. When the leaf is the newest one, activeLeafId is left out (absent
 * means the newest leaf), so that the appends that follow need no write.
 */
function showLeaf(s: Session, conversationId: string, leafId: string | undefined): void {
  const conversation = s.conversation(conversationId)!;
  const messages = s.messagesOf(conversationId);
  if (resolveActiveLeaf(messages, conversation.activeLeafId)?.id === leafId) return;
  const newest = newestLeafUnder(messages, null)?.id;
  setActiveLeaf(s, conversation, leafId === undefined || newest === leafId ? undefined : leafId);
}

export function updateMessage(s: Session, id: string, patch: Partial<Message>, now: number): Message {
  const found = s.findMessage(id);
  if (!found) throw notFound(`Message ${id} does not exist, so it cannot be updated.`);
  return writeMessage(s, patchMessage(found.message, patch, now));
}

/**
 * Deletes a message and every message under it, each with a pending
 * tombstone. When the branch shown ran through it, the newest branch left
 * under its parent is shown instead.
 */
export function deleteMessage(s: Session, id: string): void {
  const found = s.findMessage(id);
  if (!found) throw notFound(`Message ${id} does not exist, so it cannot be deleted.`);
  const { conversationId, message } = found;
  const messages = s.messagesOf(conversationId);
  const doomed = subtreeIds(messages, id);
  const shown = resolveActiveLeaf(messages, found.entry.conversation?.activeLeafId);
  for (const m of messages) {
    if (!doomed.has(m.id)) continue;
    const dropped = s.dropMessage(m.id)!;
    s.stamp('message', m.id, m.projectId, true, conversationId, dropped.meta);
    s.noteMessage(m.projectId, m.id, conversationId, true);
  }
  if (s.conversation(conversationId) && shown && doomed.has(shown.id)) {
    showLeaf(s, conversationId, leafAfterDelete(s.messagesOf(conversationId), message)?.id);
  }
  s.refreshSummary(conversationId);
  s.noteConversation(message.projectId, conversationId, false);
}

/**
 * Saves a batch of messages of one conversation: parents before their
 * children whatever the order given, and messages without parentId in time
 * order, each following the active leaf.
 */
function putMessages(s: Session, inputs: MessageInput[], now: number): void {
  let waiting = inputs
    .map((m, order) => ({ m, order, at: m.createdAt ?? now }))
    .sort((a, b) => a.at - b.at || (a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : a.order - b.order))
    .map(({ m }) => m);
  const inBatch = new Set(inputs.map((m) => m.id));
  while (waiting.length > 0) {
    const blocked: MessageInput[] = [];
    for (const m of waiting) {
      const parent = m.parentId;
      const ready =
        parent === undefined ||
        parent === null ||
        !inBatch.has(parent) ||
        s.findMessage(parent) !== undefined;
      if (ready) putMessage(s, m, now);
      else blocked.push(m);
    }
    if (blocked.length === waiting.length) {
      // Each waits for another: they follow each other in a circle.
      const parents = new Map(blocked.map((m) => [m.id, m.parentId]));
      for (const m of blocked) checkNoCycle(m.id, (id) => parents.get(id));
      throw new ChatStorageError(
        'invalid-input',
        `saveConversation: messages ${blocked.map((m) => m.id).join(', ')} wait for each other's parents; fix their parentId fields.`,
      );
    }
    waiting = blocked;
  }
}

/** `validated`: the messages already passed validateMessageInput (the import path, conversation-batch.ts). */
export function saveConversation(
  s: Session,
  input: ConversationInput,
  messages: MessageInput[],
  now: number,
  validated = false,
): void {
  const inputs = checkSaveConversationArgs(input, messages, validated);
  const existing = s.conversation(input.id);
  const next = upsertConversation(input, existing, now);
  // Where a conversation was forked from is set when it is made (an import of a fork), never changed.
  if (!existing && input.forkedFrom !== undefined) {
    next.forkedFrom = validateSyncedConversation({
      ...syncedPart(next),
      forkedFrom: input.forkedFrom,
    }).forkedFrom;
  }
  // Only a change to what syncs earns a new stamp; summaries are derived on every device.
  if (!existing || !sameSyncedConversation(syncedPart(existing), syncedPart(next))) {
    writeConversation(s, syncedPart(next));
  }
  putMessages(s, inputs, now);
  // The branch it shows (an import keeps the one chosen where it was exported).
  if (input.activeLeafId !== undefined) {
    const conversation = s.conversation(input.id)!;
    if (s.messageIndex()[input.activeLeafId] !== input.id) {
      throw new ChatStorageError(
        'invalid-input',
        `saveConversation: activeLeafId ${input.activeLeafId} is not a message of conversation ${input.id}; name one of its messages or leave activeLeafId out.`,
      );
    }
    if (conversation.activeLeafId !== input.activeLeafId) setActiveLeaf(s, conversation, input.activeLeafId);
  }
  s.noteConversation(input.projectId, input.id, false);
}

/** Deletes every conversation of a project and forgets the project. */
export function clearProject(s: Session, projectId: string): void {
  if (typeof projectId !== 'string' || !projectId) {
    throw new ChatStorageError('invalid-input', 'clearProject needs a projectId (a non-empty string).');
  }
  for (const id of Object.keys(s.projectIndex(projectId))) deleteConversation(s, id);
  s.forgetProject(projectId);
}
