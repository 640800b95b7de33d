// The import report: per conversation, every message or part of a message
// that Chatkeep could not show as the other app did, and what was done with
// it; and counts per kind in words ("3 images not included in the export").
// Readers attach notes to the conversations they read; the report is built
// only from the conversations that were saved.
import type { MessageInput } from '../types.js';

/** What a note is about. Each kind has the count wording below. */
export type ImportNoteKind =
  | 'image'
  | 'audio'
  | 'file'
  | 'branch'
  | 'reasoning'
  | 'tool'
  | 'browsing'
  | 'citation'
  | 'source'
  | 'hidden'
  | 'error'
  | 'unknown'
  | 'empty'
  | 'tree';

export interface ImportNote {
  kind: ImportNoteKind;
  /** The message it is about, when it is about one (an id from the file). */
  messageId?: string;
  /** A sentence: what the file held and what was done with it. */
  text: string;
  /** How many items of its kind the note stands for, when more than one. */
  count?: number;
}

export interface ConversationImportReport {
  conversationId: string;
  title: string;
  notes: ImportNote[];
}

export interface ImportCount {
  kind: ImportNoteKind;
  count: number;
  /** "3 images not included in the export". */
  text: string;
}

export interface ImportReport {
  /** Conversations that were saved and have notes, in file order. */
  conversations: ConversationImportReport[];
  /** One line per kind of note, in the order of KIND_WORDS. */
  counts: ImportCount[];
}

/** Singular and plural wording of each kind, as counted in the report. */
const KIND_WORDS: Record<ImportNoteKind, readonly [one: string, other: string]> = {
  branch: ['branch kept as versions', 'branches kept as versions'],
  image: ['image not included in the export', 'images not included in the export'],
  audio: ['audio clip not included in the export', 'audio clips not included in the export'],
  file: ['file not included in the export', 'files not included in the export'],
  reasoning: [
    'answer\'s reasoning kept as a "Reasoning" block',
    'answers\' reasoning kept as "Reasoning" blocks',
  ],
  tool: ['tool call or result kept as a tool message', 'tool calls or results kept as tool messages'],
  browsing: ['browsing result kept as a tool result', 'browsing results kept as tool results'],
  citation: [
    'citation mark replaced by its link or removed',
    'citation marks replaced by their links or removed',
  ],
  source: ['cited source kept as a link', 'cited sources kept as links'],
  hidden: ['hidden context kept out of the chat', 'hidden contexts kept out of the chat'],
  error: ['error message kept', 'error messages kept'],
  unknown: ['part of an unknown type kept in metadata', 'parts of an unknown type kept in metadata'],
  empty: ['empty message left out', 'empty messages left out'],
  tree: ['broken link in the message tree repaired', 'broken links in the message tree repaired'],
};

/** "1 image not included in the export", "3 images not included in the export". */
export function countText(kind: ImportNoteKind, count: number): string {
  const [one, other] = KIND_WORDS[kind];
  return `${count} ${count === 1 ? one : other}`;
}

/**
 * One note for the branches beyond the shown one: a conversation whose tree
 * has three leaves keeps two other branches as versions. Same for every format.
 */
export function branchNotes(messages: readonly MessageInput[], from: string): ImportNote[] {
  const parents = new Set<string>();
  for (const m of messages) if (m.parentId) parents.add(m.parentId);
  let leaves = 0;
  for (const m of messages) if (!parents.has(m.id)) leaves += 1;
  const other = leaves - 1;
  if (other < 1) return [];
  const text =
    other === 1
      ? `1 other branch (an edited prompt or a regenerated answer) from ${from} is kept as a version; "Previous version" and "Next version" switch to it.`
      : `${other} other branches (edited prompts or regenerated answers) from ${from} are kept as versions; "Previous version" and "Next version" switch between them.`;
  return [{ kind: 'branch', text, ...(other > 1 ? { count: other } : {}) }];
}

/** Builds the report from the notes of the conversations that were saved. */
export function buildReport(
  saved: readonly { conversationId: string; title: string; notes: readonly ImportNote[] }[],
): ImportReport {
  const totals = new Map<ImportNoteKind, number>();
  const conversations: ConversationImportReport[] = [];
  for (const { conversationId, title, notes } of saved) {
    if (notes.length === 0) continue;
    conversations.push({ conversationId, title, notes: [...notes] });
    for (const note of notes) totals.set(note.kind, (totals.get(note.kind) ?? 0) + (note.count ?? 1));
  }
  const counts = (Object.keys(KIND_WORDS) as ImportNoteKind[])
    .filter((kind) => totals.has(kind))
    .map((kind) => ({ kind, count: totals.get(kind)!, text: countText(kind, totals.get(kind)!) }));
  return { conversations, counts };
}
