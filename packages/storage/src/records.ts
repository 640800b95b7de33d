// How inputs become stored records, shared by both adapters so that they
// agree field for field.
import { ChatStorageError } from './errors.js';
import { newId } from './ids.js';
import { previewOf, validateConversationPatch, validateMessageInput } from './schema.js';
import { normalizeTags } from './tags/tags.js';
import { checkParentUnchanged } from './tree/validate.js';
import type {
  Conversation,
  ConversationInput,
  ConversationPatch,
  Message,
  MessageInput,
  SyncedConversation,
} from './types.js';

export const DEFAULT_PAGE_SIZE = 50;

/** A message lives in its conversation's project. */
export function checkSameProject(
  message: { id: string; projectId: string },
  conversation: Conversation,
): void {
  if (message.projectId !== conversation.projectId) {
    throw new ChatStorageError(
      'invalid-input',
      `Message ${message.id} has projectId ${message.projectId}, but its conversation ${conversation.id} is in project ${conversation.projectId}; use ${conversation.projectId}.`,
    );
  }
}

export function newConversation(
  input: { projectId: string; title?: string; id?: string },
  now: number,
): Conversation {
  if (!input || typeof input.projectId !== 'string' || !input.projectId) {
    throw new ChatStorageError('invalid-input', 'createConversation needs a projectId (a non-empty string).');
  }
  if (input.id !== undefined && (typeof input.id !== 'string' || !input.id)) {
    throw new ChatStorageError(
      'invalid-input',
      'createConversation: id, when given, must be a non-empty string.',
    );
  }
  return {
    id: input.id ?? newId(),
    projectId: input.projectId,
    title: typeof input.title === 'string' ? input.title : '',
    createdAt: now,
    updatedAt: now,
    archived: false,
    pinned: false,
    tags: [],
    messageCount: 0,
  };
}

/**
 * The stored message for an upsert: fields the input leaves out keep their
 * stored value (non-destructive), status defaults to `complete`, times to now.
 * `input` has already passed `validateMessageInput` (each caller validates
 * once, where the input comes in). A new message without parentId gets
 * `follows` (the adapter's active leaf); a stored one keeps its parentId.
 */
export function buildMessage(
  input: MessageInput,
  existing: Message | undefined,
  now: number,
  follows: string | null = null,
): Message {
  if (existing && existing.conversationId !== input.conversationId) {
    throw new ChatStorageError(
      'invalid-input',
      `Message ${input.id} belongs to conversation ${existing.conversationId}; it cannot be moved to ${input.conversationId}. Save it under a new id instead.`,
    );
  }
  if (existing) checkParentUnchanged(input, existing);
  // parentId is written last, whatever the input's key order, so a record's JSON is the same each time it is saved.
  // Copied key by key (an import builds thousands): the stored fields, then the input's defined ones over them.
  const message: Record<string, unknown> = {};
  if (existing) {
    for (const key in existing) {
      if (key !== 'parentId' && Object.hasOwn(existing, key)) message[key] = existing[key as keyof Message];
    }
  }
  for (const key in input) {
    if (key === 'parentId' || !Object.hasOwn(input, key)) continue;
    const value = input[key as keyof MessageInput];
    if (value !== undefined) message[key] = value;
  }
  message.status = input.status ?? existing?.status ?? 'complete';
  message.createdAt = input.createdAt ?? existing?.createdAt ?? now;
  message.updatedAt = input.updatedAt ?? now;
  message.parentId = existing
    ? (existing.parentId ?? null)
    : input.parentId !== undefined
      ? input.parentId
      : follows;
  return message as unknown as Message;
}

/** Applies a patch to a stored message; id, conversation and project cannot change. */
export function patchMessage(existing: Message, patch: Partial<Message>, now: number): Message {
  for (const key of ['id', 'conversationId', 'projectId'] as const) {
    if (patch[key] !== undefined && patch[key] !== existing[key]) {
      throw new ChatStorageError('invalid-input', `updateMessage cannot change a message's ${key}.`);
    }
  }
  const merged = validateMessageInput({ ...existing, ...patch, updatedAt: patch.updatedAt ?? now });
  return buildMessage(merged, existing, now);
}

export function patchConversation(
  existing: Conversation,
  patch: ConversationPatch,
  now: number,
): Conversation {
  const valid = validateConversationPatch(patch);
  // Tags edited by a person are kept tidy: trimmed, single-spaced, no repeats in another case.
  if (valid.tags) valid.tags = normalizeTags(valid.tags);
  const defined = Object.fromEntries(Object.entries(valid).filter(([, v]) => v !== undefined));
  return { ...existing, ...defined, updatedAt: now };
}

/**
 * Checks a saveConversation call and returns its messages ready to build:
 * each valid and of this conversation and project. `validated` says the
 * messages already passed `validateMessageInput` (or `validateMessage`), as
 * the import readers do, so they are not validated a second time.
 */
export function checkSaveConversationArgs(
  input: ConversationInput,
  messages: MessageInput[],
  validated = false,
): MessageInput[] {
  if (
    !input ||
    typeof input.id !== 'string' ||
    !input.id ||
    typeof input.projectId !== 'string' ||
    !input.projectId
  ) {
    throw new ChatStorageError(
      'invalid-input',
      'saveConversation needs a conversation with an id and a projectId.',
    );
  }
  if (!Array.isArray(messages)) {
    throw new ChatStorageError(
      'invalid-input',
      'saveConversation: messages must be an array (it may be empty).',
    );
  }
  return messages.map((m, i) => {
    let valid: MessageInput;
    try {
      valid = validated ? m : validateMessageInput(m);
    } catch (error) {
      const what = (error as Error).message.replace(/^Invalid message: /, '');
      throw new ChatStorageError('invalid-input', `saveConversation: messages[${i}] is invalid: ${what}`, {
        cause: error,
      });
    }
    if (valid.conversationId !== input.id || valid.projectId !== input.projectId) {
      throw new ChatStorageError(
        'invalid-input',
        `saveConversation: messages[${i}] (${valid.id}) belongs to conversation ${valid.conversationId} in project ${valid.projectId}; every message must have conversationId ${input.id} and projectId ${input.projectId}.`,
      );
    }
    return valid;
  });
}

/** Merges a saveConversation input into the stored conversation (or a new one). */
export function upsertConversation(
  input: Partial<Conversation> & { id: string; projectId: string },
  existing: Conversation | undefined,
  now: number,
): Conversation {
  if (existing && existing.projectId !== input.projectId) {
    throw new ChatStorageError(
      'invalid-input',
      `Conversation ${input.id} belongs to project ${existing.projectId}; saveConversation cannot move it to ${input.projectId}; use moveConversation.`,
    );
  }
  const base =
    existing ?? newConversation({ projectId: input.projectId, id: input.id }, input.createdAt ?? now);
  const { messageCount: _c, lastMessage: _l, ...editable } = input;
  const patch = validateConversationPatch({
    title: editable.title,
    archived: editable.archived,
    pinned: editable.pinned,
    tags: editable.tags,
  });
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return {
    ...base,
    ...defined,
    createdAt: input.createdAt ?? base.createdAt,
    updatedAt: Math.max(input.updatedAt ?? now, base.updatedAt),
  };
}

/**
 * A conversation's summary after a write: `newest` is its newest message (or
 * undefined when it has none), `count` how many it has.
 */
export function withSummary(
  conversation: Conversation,
  newest: Message | undefined,
  count: number,
  touchedAt?: number,
): Conversation {
  const summary: Conversation = {
    ...conversation,
    messageCount: count,
    // Never older than its newest message: every device derives the same order from the same messages.
    updatedAt: Math.max(conversation.updatedAt, touchedAt ?? 0, newest?.updatedAt ?? 0),
  };
  if (newest) summary.lastMessage = previewOf(newest.content);
  else delete summary.lastMessage;
  return summary;
}

/** The part of a conversation that syncs: everything but the derived summaries. */
export function syncedPart(conversation: Conversation): SyncedConversation {
  const { messageCount: _c, lastMessage: _l, ...synced } = conversation;
  return synced;
}

/**
 * Whether two versions of a conversation's synced part are the same. With
 * `exceptActiveLeaf`, a difference only in the branch shown does not count:
 * that is a view choice, and losing it to another device's is no lost edit.
 */
export function sameSyncedConversation(
  a: SyncedConversation,
  b: SyncedConversation,
  opts: { exceptActiveLeaf?: boolean } = {},
): boolean {
  return (
    a.projectId === b.projectId &&
    a.title === b.title &&
    a.createdAt === b.createdAt &&
    a.updatedAt === b.updatedAt &&
    a.archived === b.archived &&
    a.pinned === b.pinned &&
    a.tags.length === b.tags.length &&
    a.tags.every((t, i) => t === b.tags[i]) &&
    (opts.exceptActiveLeaf || a.activeLeafId === b.activeLeafId) &&
    a.forkedFrom?.conversationId === b.forkedFrom?.conversationId &&
    a.forkedFrom?.messageId === b.forkedFrom?.messageId
  );
}

/** Chronological order of messages: creation time, then id. */
export function compareMessages(
  a: Pick<Message, 'createdAt' | 'id'>,
  b: Pick<Message, 'createdAt' | 'id'>,
): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Newest first, as the sidebar lists them. */
export function compareConversationsNewestFirst(a: Conversation, b: Conversation): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ChatStorageError(
      'invalid-input',
      `getMessages: limit must be a positive integer, got ${String(limit)}.`,
    );
  }
  return limit;
}
