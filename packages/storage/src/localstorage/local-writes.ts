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
  syncedPart,
  upsertConversation,
} from '../records.js';
import { validateMessageInput } from '../schema.js';
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

export function sameSyncedPart(a: SyncedConversation, b: SyncedConversation): boolean {
  return (
    a.projectId === b.projectId &&
    a.title === b.title &&
    a.createdAt === b.createdAt &&
    a.updatedAt === b.updatedAt &&
    a.archived === b.archived &&
    a.pinned === b.pinned &&
    a.tags.length === b.tags.length &&
    a.tags.every((t, i) => t === b.tags[i])
  );
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

/** saveMessage for an input that already passed validateMessageInput. */
function putMessage(s: Session, input: MessageInput, now: number): Message {
  const existing = s.findMessage(input.id)?.message;
  // Until this layout keeps branches, a new message follows the newest one.
  const newest = s.entry(input.conversationId)?.messages.at(-1);
  return writeMessage(s, buildMessage(input, existing, now, newest?.id ?? null));
}

export function updateMessage(s: Session, id: string, patch: Partial<Message>, now: number): Message {
  const found = s.findMessage(id);
  if (!found) throw notFound(`Message ${id} does not exist, so it cannot be updated.`);
  return writeMessage(s, patchMessage(found.message, patch, now));
}

export function deleteMessage(s: Session, id: string): void {
  const dropped = s.dropMessage(id);
  if (!dropped) throw notFound(`Message ${id} does not exist, so it cannot be deleted.`);
  const { message, conversationId, meta } = dropped;
  s.stamp('message', id, message.projectId, true, conversationId, meta);
  s.refreshSummary(conversationId);
  s.noteMessage(message.projectId, id, conversationId, true);
  s.noteConversation(message.projectId, conversationId, false);
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
  // Only a change to what syncs earns a new stamp; summaries are derived on every device.
  if (!existing || !sameSyncedPart(syncedPart(existing), syncedPart(next))) {
    writeConversation(s, syncedPart(next));
  }
  for (const message of inputs) putMessage(s, message, now);
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
