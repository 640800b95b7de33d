// The persisted form of a search index: MiniSearch's own serialisation plus
// what was indexed per conversation. A snapshot of an unknown layout version
// is ignored (and the index rebuilt), never half-read. Older layouts are
// migrated, not rebuilt: version 1 also stored every message's text (dropped),
// versions 1 and 2 also indexed stop words (their terms are dropped; a
// document's field length counts words before stop words are taken out, so
// the result is exactly the index a rebuild would make).
import MiniSearch, { type AsPlainObject } from 'minisearch';
import {
  type IndexedConversation,
  MINISEARCH_OPTIONS,
  type SearchDocument,
  STORED_FIELDS,
} from './documents.js';
import { STOP_WORDS } from './terms.js';

/** Bump when documents, terms or this layout change; teach `fromSnapshot` the old one or let it rebuild. */
export const SNAPSHOT_VERSION = 3;

/** Version 1 stored text, projectId and role for each document; versions 1 and 2 indexed stop words. */
const MIGRATABLE_VERSIONS = [1, 2, SNAPSHOT_VERSION];

type SavedConversation = Omit<IndexedConversation, 'id' | 'messageIds'> & { messageIds: string[] };

interface Snapshot {
  version: number;
  savedAt: number;
  index: AsPlainObject;
  conversations: [string, SavedConversation][];
}

export function toSnapshot(
  index: MiniSearch<SearchDocument>,
  conversations: Map<string, IndexedConversation>,
  now: number,
): Snapshot {
  return {
    version: SNAPSHOT_VERSION,
    savedAt: now,
    index: index.toJSON(),
    conversations: [...conversations].map(([id, { id: _, ...c }]) => [
      id,
      { ...c, messageIds: [...c.messageIds] },
    ]),
  };
}

export function fromSnapshot(
  value: unknown,
):
  | { index: MiniSearch<SearchDocument>; conversations: Map<string, IndexedConversation>; migrated: boolean }
  | undefined {
  const snapshot = value as Partial<Snapshot> | undefined;
  if (
    !snapshot ||
    !MIGRATABLE_VERSIONS.includes(snapshot.version as number) ||
    !snapshot.index ||
    !Array.isArray(snapshot.conversations)
  ) {
    return undefined;
  }
  try {
    const conversations = new Map<string, IndexedConversation>(
      snapshot.conversations.map(([id, c]) => [
        id,
        {
          id,
          projectId: c.projectId,
          title: c.title,
          archived: c.archived,
          fingerprint: c.fingerprint,
          messageIds: new Set(c.messageIds),
        },
      ]),
    );
    const terms =
      (snapshot.version as number) < 3
        ? snapshot.index.index.filter(([term]) => !STOP_WORDS.has(term))
        : snapshot.index.index;
    const index = MiniSearch.loadJS<SearchDocument>(
      { ...snapshot.index, index: terms, storedFields: storedFieldsOf(snapshot.index, conversations) },
      MINISEARCH_OPTIONS,
    );
    return { index, conversations, migrated: snapshot.version !== SNAPSHOT_VERSION };
  } catch {
    // A damaged snapshot is only a cache: rebuild instead.
    return undefined;
  }
}

/**
 * Each document's stored fields reduced to `STORED_FIELDS` (an older snapshot
 * may hold more), with the conversation id replaced by the conversation
 * entry's own string: a deserialised snapshot has one copy per document.
 */
function storedFieldsOf(
  index: AsPlainObject,
  conversations: Map<string, IndexedConversation>,
): AsPlainObject['storedFields'] {
  const out: AsPlainObject['storedFields'] = {};
  for (const [shortId, fields] of Object.entries(index.storedFields)) {
    const stored = fields as Record<string, unknown>;
    const conversation = conversations.get(stored.conversationId as string);
    if (!conversation) throw new Error(`document ${shortId} belongs to no indexed conversation`);
    const kept: Record<string, unknown> = {};
    for (const field of STORED_FIELDS) kept[field] = stored[field];
    kept.conversationId = conversation.id;
    out[shortId] = kept;
  }
  return out;
}
