// What each format reader produces: conversations ready to save, and a list
// of what was left out and why. Saving is done in one place (index.ts).
import type { ConversationInput, MessageInput } from '../types.js';
import type { ImportNote } from './report.js';

export interface SkippedItem {
  /** The conversation's or message's id, when it had one. */
  id?: string;
  /** Which conversation or message and which field, and why it was left out. */
  reason: string;
}

export interface ImportItem {
  conversation: ConversationInput;
  messages: MessageInput[];
  /** The reader validated every message (schema.ts), so saving does not validate them again. */
  validated: boolean;
  /** What of this conversation could not be shown as the other app showed it (report.ts). */
  notes?: ImportNote[];
}

export interface ImportPlan {
  items: ImportItem[];
  skipped: SkippedItem[];
}

export interface ReaderOptions {
  /** Project to import into; defaults per format (a Chatkeep file keeps its own projects). */
  projectId?: string;
  now: number;
  /** Conversation ids already read from this file (a large file is read in groups): a repeat is skipped. */
  seen?: Set<string>;
}

export const DEFAULT_PROJECT_ID = 'default';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "conversation "Trip plans" (abc)" — how reports name a conversation. */
export function describeConversation(id: string | undefined, title: unknown): string {
  const name = typeof title === 'string' && title.trim() ? `"${title.trim().slice(0, 80)}"` : 'untitled';
  return id ? `conversation ${name} (${id})` : `conversation ${name}`;
}
