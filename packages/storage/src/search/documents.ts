// What the search index holds: one document per conversation title and one
// per message with text, plus, per conversation, what was indexed (so a
// reloaded index can tell which conversations changed while it was away).
import type { Options } from 'minisearch';
import type { Conversation, Message, Role } from '../types.js';
import { indexTerm, tokenize } from './terms.js';

export interface SearchDocument {
  /** `t:<conversationId>` for a title, `m:<messageId>` for a message. */
  id: string;
  conversationId: string;
  /** Indexed, never stored: snippets are cut from the message read back from storage. */
  text: string;
  time: number;
  /** A message's role and model, for filters; absent on titles (and `model` on messages without one). */
  role?: Role;
  model?: string;
}

/**
 * Stored fields come back on every result: only what filtering and ranking
 * need. Project, archive flag, tags and title are looked up per conversation; the
 * text of the hits shown is read from storage, so the index does not keep a
 * second copy of every message in memory.
 */
export const STORED_FIELDS = ['conversationId', 'time', 'role', 'model'] as const;

export const MINISEARCH_OPTIONS: Options<SearchDocument> = {
  idField: 'id',
  fields: ['text'],
  storeFields: [...STORED_FIELDS],
  tokenize,
  processTerm: indexTerm,
};

export const titleDocId = (conversationId: string) => `t:${conversationId}`;
export const messageDocId = (messageId: string) => `m:${messageId}`;
export const isTitleDoc = (docId: string) => docId.startsWith('t:');

/**
 * `conversationId` is passed in (the index's own copy of the id) so that every
 * document of a conversation shares one string instead of holding its own.
 */
export function titleDocument(c: Conversation, conversationId = c.id): SearchDocument {
  return { id: titleDocId(c.id), conversationId, text: c.title, time: c.updatedAt };
}

/**
 * Messages without text (a bare tool call) have nothing to find and get no
 * document. `intern` lets every document of one model share one string.
 */
export function messageDocument(
  m: Message,
  conversationId = m.conversationId,
  intern: (s: string) => string = (s) => s,
): SearchDocument | undefined {
  if (m.content.trim() === '') return undefined;
  const doc: SearchDocument = {
    id: messageDocId(m.id),
    conversationId,
    text: m.content,
    time: m.createdAt,
    role: intern(m.role) as Role,
  };
  const model = m.metadata?.model;
  if (typeof model === 'string' && model !== '') doc.model = intern(model);
  return doc;
}

/** What the index knows about one conversation. */
export interface IndexedConversation {
  /** The conversation's id; documents share this string. */
  id: string;
  projectId: string;
  title: string;
  archived: boolean;
  tags: string[];
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
  return JSON.stringify([c.updatedAt, c.messageCount, c.lastMessage ?? null, c.title, c.archived, c.tags]);
}
