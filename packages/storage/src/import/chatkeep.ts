// Reads a Chatkeep JSON export (export/format.ts), version 1 or 2. Records
// are validated with the shared schemas and saved as they are, so a round
// trip reproduces every field and every branch, and importing the same file
// again changes nothing. A version 1 file (no parentId) becomes a single
// branch, each message following the one before it in time.
import { ChatStorageError } from '../errors.js';
import { CHATKEEP_EXPORT_FORMAT, CHATKEEP_EXPORT_VERSION } from '../export/format.js';
import { compareMessages } from '../records.js';
import { validateConversation, validateMessage } from '../schema.js';
import type { ConversationInput, Message, MessageInput } from '../types.js';
import {
  describeConversation,
  type ImportPlan,
  isRecord,
  type ReaderOptions,
  type SkippedItem,
} from './plan.js';
import { repairTree } from './tree-repair.js';

export function isChatkeepExport(data: unknown): boolean {
  return isRecord(data) && data.format === CHATKEEP_EXPORT_FORMAT;
}

export function readChatkeepExport(data: unknown, opts: ReaderOptions): ImportPlan {
  if (!isRecord(data) || data.format !== CHATKEEP_EXPORT_FORMAT) {
    throw new ChatStorageError(
      'import-failed',
      'This is not a Chatkeep export: expected a JSON object with "format": "chatkeep", as written by Chatkeep\'s JSON export.',
    );
  }
  if (typeof data.version !== 'number' || data.version > CHATKEEP_EXPORT_VERSION || data.version < 1) {
    throw new ChatStorageError(
      'import-failed',
      `This Chatkeep export has version ${JSON.stringify(data.version)}; this version of Chatkeep reads versions 1 to ${CHATKEEP_EXPORT_VERSION}. Update Chatkeep to import it.`,
    );
  }
  if (!Array.isArray(data.conversations)) {
    throw new ChatStorageError(
      'import-failed',
      'This Chatkeep export has no "conversations" array; the file may be cut short or edited by hand.',
    );
  }
  const plan: ImportPlan = { items: [], skipped: [] };
  const seen = opts.seen ?? new Set<string>();
  data.conversations.forEach((entry, index) => {
    const where = `conversations[${index}]`;
    if (!isRecord(entry)) {
      plan.skipped.push({ reason: `${where}: expected a conversation object, got ${typeName(entry)}.` });
      return;
    }
    const { messages, ...fields } = entry;
    const rawId = typeof fields.id === 'string' ? fields.id : undefined;
    const name = describeConversation(rawId, fields.title);
    let conversation: ConversationInput;
    try {
      const valid = validateConversation(fields);
      conversation = opts.projectId ? { ...valid, projectId: opts.projectId } : valid;
    } catch (error) {
      plan.skipped.push({ id: rawId, reason: `${where}, ${name}: ${(error as Error).message}` });
      return;
    }
    if (seen.has(conversation.id)) {
      plan.skipped.push({
        id: conversation.id,
        reason: `${where}, ${name}: the file lists this conversation twice; only the first copy was imported.`,
      });
      return;
    }
    seen.add(conversation.id);
    if (!Array.isArray(messages)) {
      plan.skipped.push({ id: conversation.id, reason: `${where}, ${name}: "messages" must be an array.` });
      return;
    }
    // A version 1 record has no parentId: the type says so, whatever validateMessage promises.
    const valid: ReadMessage[] = [];
    messages.forEach((raw, i) => {
      const at = `${name}, messages[${i}]`;
      const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
      try {
        const message = validateMessage(raw);
        if (message.conversationId !== conversation.id) {
          throw new Error(
            `conversationId is ${message.conversationId}, but it is listed under ${conversation.id}.`,
          );
        }
        valid.push({ ...message, projectId: conversation.projectId });
      } catch (error) {
        plan.skipped.push({ id, reason: `${at}: ${(error as Error).message}` });
      }
    });
    const messagesInTree = asTree(conversation, followKept(valid, messages), name, plan.skipped);
    // Each message passed validateMessage above: saving does not validate it again.
    plan.items.push({ conversation, messages: messagesInTree, validated: true });
  });
  return plan;
}

/**
 * A message whose parent was skipped follows the nearest kept message above
 * it instead, so the rest of its branch still imports. A parent the file
 * does not hold at all is left for the tree repair to place and report.
 */
function followKept<M extends Pick<MessageInput, 'id' | 'parentId'>>(kept: M[], raw: unknown[]): M[] {
  const keptIds = new Set(kept.map((m) => m.id));
  const parentOf = new Map<string, string | null>();
  for (const r of raw) {
    if (isRecord(r) && typeof r.id === 'string' && (typeof r.parentId === 'string' || r.parentId === null)) {
      parentOf.set(r.id, r.parentId);
    }
  }
  return kept.map((m) => {
    let parentId = m.parentId;
    const seen = new Set<string>();
    while (
      typeof parentId === 'string' &&
      !keptIds.has(parentId) &&
      parentOf.has(parentId) &&
      !seen.has(parentId)
    ) {
      seen.add(parentId);
      parentId = parentOf.get(parentId)!;
    }
    return parentId === m.parentId ? m : { ...m, parentId };
  });
}

/**
 * Gives every message its place in the tree: one without `parentId` (all of
 * a version 1 file) follows the message before it in time; a parent left
 * out, or a cycle, is repaired and reported. Times stay as they are. An
 * `activeLeafId` naming no imported message is dropped: the newest leaf is shown.
 */
function asTree(
  conversation: ConversationInput,
  messages: ReadMessage[],
  name: string,
  skipped: SkippedItem[],
): MessageInput[] {
  let previous: string | null = null;
  const placed = [...messages].sort(compareMessages).map((m) => {
    const parentId = m.parentId === undefined ? previous : m.parentId;
    previous = m.id;
    return { ...m, parentId };
  });
  const { nodes, problems } = repairTree(placed, { describe: (id) => `${name}, message ${id}` });
  skipped.push(...problems);
  const active = conversation.activeLeafId;
  if (active !== undefined && !nodes.some((m) => m.id === active)) {
    delete conversation.activeLeafId;
    skipped.push({
      id: conversation.id,
      reason: `${name}: its active message ${active} is not among the messages imported; the newest branch is shown instead.`,
    });
  }
  return nodes;
}

type ReadMessage = Omit<Message, 'parentId'> & Pick<MessageInput, 'parentId'>;

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
