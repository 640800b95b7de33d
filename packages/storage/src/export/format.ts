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
