// The Chatkeep JSON export format, version 2. Export writes it and import
// reads it (version 1 too); a file holds the records exactly as they are
// stored, every branch of every conversation.
import type { Conversation, Message } from '../types.js';

export const CHATKEEP_EXPORT_FORMAT = 'chatkeep';
export const CHATKEEP_EXPORT_VERSION = 2;

/**
 * ```json
 * { "format": "chatkeep", "version": 2, "exportedAt": "2025-01-31T12:00:00.000Z",
 *   "conversations": [ { ...Conversation, "messages": [ ...Message ] } ] }
 * ```
 * `exportedAt` is an ISO 8601 time; every other time is ms since epoch, as stored.
 * Messages are chronological, every branch: each has its `parentId`, and a
 * conversation its `activeLeafId` (and `forkedFrom`, `projectId`).
 * Conversations keep the order they were listed in. Version 1 was the same
 * without `parentId`, `activeLeafId` and `forkedFrom`: each message followed
 * the one before it.
 */
export interface ChatkeepExport {
  format: typeof CHATKEEP_EXPORT_FORMAT;
  version: 1 | typeof CHATKEEP_EXPORT_VERSION;
  exportedAt: string;
  conversations: ExportedConversation[];
}

export type ExportedConversation = Conversation & { messages: Message[] };

const CONVERSATION_FIELDS: readonly (keyof Conversation)[] = [
  'id',
  'projectId',
  'title',
  'createdAt',
  'updatedAt',
  'archived',
  'pinned',
  'tags',
  'messageCount',
  'lastMessage',
  'activeLeafId',
  'forkedFrom',
];

const MESSAGE_FIELDS: readonly (keyof Message)[] = [
  'id',
  'conversationId',
  'projectId',
  'parentId',
  'role',
  'content',
  'status',
  'toolCalls',
  'toolCallId',
  'toolName',
  'toolResult',
  'metadata',
  'createdAt',
  'updatedAt',
];

/**
 * The record with its fields in one fixed order (fields this version does
 * not know last, sorted): equal records export as equal text, whichever
 * code path stored them, so an export of an import of an export is the
 * same file.
 */
function inFieldOrder<T extends object>(record: T, order: readonly (keyof T)[]): T {
  const out: Record<string, unknown> = {};
  for (const key of order) {
    if (record[key] !== undefined) out[key as string] = record[key];
  }
  const known = new Set<PropertyKey>(order);
  for (const key of Object.keys(record).sort()) {
    if (!known.has(key)) out[key] = (record as Record<string, unknown>)[key];
  }
  return out as T;
}

export const conversationInFieldOrder = (c: Conversation) => inFieldOrder(c, CONVERSATION_FIELDS);
export const messageInFieldOrder = (m: Message) => inFieldOrder(m, MESSAGE_FIELDS);
