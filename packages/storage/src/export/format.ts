// The Chatkeep JSON export format, version 1. Export writes it and import
// reads it; a file holds the records exactly as they are stored.
import type { Conversation, Message } from '../types.js';

export const CHATKEEP_EXPORT_FORMAT = 'chatkeep';
export const CHATKEEP_EXPORT_VERSION = 1;

/**
 * ```json
 * { "format": "chatkeep", "version": 1, "exportedAt": "2025-01-31T12:00:00.000Z",
 *   "conversations": [ { ...Conversation, "messages": [ ...Message ] } ] }
 * ```
 * `exportedAt` is an ISO 8601 time; every other time is ms since epoch, as stored.
 * Messages are chronological; conversations keep the order they were listed in.
 */
export interface ChatkeepExport {
  format: typeof CHATKEEP_EXPORT_FORMAT;
  version: typeof CHATKEEP_EXPORT_VERSION;
  exportedAt: string;
  conversations: ExportedConversation[];
}

export type ExportedConversation = Conversation & { messages: Message[] };
