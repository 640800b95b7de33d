// What the search index holds: one document per conversation title and one
// per message with text, plus, per conversation, what was indexed (so a
// reloaded index can tell which conversations changed while it was away).
import type { Options } from 'minisearch';
import type { Conversation, Message, Role } from '../types.js';
import { normalizeTerm, tokenize } from './terms.js';

export interface SearchDocument {
  /** `t:<conversationId>` for a title, `m:<messageId>` for a message. */
  id: string;
  conversationId: string;
  projectId: string;
  text: string;
  time: number;
  role?: Role;
}

/** Stored fields come back on every result; `text` feeds the snippet. */
export const STORED_FIELDS = ['conversationId', 'projectId', 'text', 'time', 'role'] as const;

export const MINISEARCH_OPTIONS: Options<SearchDocument> = {
  idField: 'id',
  fields: ['text'],
  storeFields: [...STORED_FIELDS],
  tokenize,
  processTerm: normalizeTerm,
};

export const titleDocId = (conversationId: string) => `t:${conversationId}`;
export const messageDocId = (messageId: string) => `m:${messageId}`;
export const isTitleDoc = (docId: string) => docId.startsWith('t:');

export function titleDocument(c: Conversation): SearchDocument {
  return {
    id: titleDocId(c.id),
    conversationId: c.id,
    projectId: c.projectId,
    text: c.title,
    time: c.updatedAt,
  };
}

/** Messages without text (a bare tool call) have nothing to find and get no document. */
export function messageDocument(m: Message): SearchDocument | undefined {
  if (m.content.trim() === '') return undefined;
  return {
    id: messageDocId(m.id),
    conversationId: m.conversationId,
    projectId: m.projectId,
    text: m.content,
    time: m.createdAt,
    role: m.role,
  };
}

/** What the index knows about one conversation. */
export interface IndexedConversation {
  projectId: string;
  title: string;
  archived: boolean;
  /** The conversation's state when it was last indexed; see `fingerprint`. */
  fingerprint: string;
  /** Messages that have a document, to drop them with the conversation. */
  messageIds: Set<string>;
}

/**
 * Changes whenever a write touches the conversation: every message write
 * moves `updatedAt`, `messageCount` or `lastMessage`, and edits move `updatedAt`.
 */
export function fingerprint(c: Conversation): string {
  return JSON.stringify([c.updatedAt, c.messageCount, c.lastMessage ?? null, c.title, c.archived]);
}
