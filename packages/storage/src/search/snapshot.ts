// The persisted form of a search index: MiniSearch's own serialisation plus
// what was indexed per conversation. A snapshot of another layout version is
// ignored (and the index rebuilt), never half-read: versions before 4 lack
// each message's role and model and each conversation's tags, which the
// search filters need and which only a rebuild can supply.
import MiniSearch, { type AsPlainObject } from 'minisearch';
import {
  type IndexedConversation,
  MINISEARCH_OPTIONS,
  type SearchDocument,
  STORED_FIELDS,
} from './documents.js';

/** Bump when documents, terms or this layout change; teach `fromSnapshot` the old one or let it rebuild. */
export const SNAPSHOT_VERSION = 4;

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

/** `intern` makes every document of one model (or role) share one string. */
export function fromSnapshot(
  value: unknown,
  intern: (s: string) => string = (s) => s,
): { index: MiniSearch<SearchDocument>; conversations: Map<string, IndexedConversation> } | undefined {
  const snapshot = value as Partial<Snapshot> | undefined;
  if (
    !snapshot ||
    snapshot.version !== SNAPSHOT_VERSION ||
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
          tags: c.tags,
          fingerprint: c.fingerprint,
          messageIds: new Set(c.messageIds),
        },
      ]),
    );
    const index = MiniSearch.loadJS<SearchDocument>(
      { ...snapshot.index, storedFields: storedFieldsOf(snapshot.index, conversations, intern) },
      MINISEARCH_OPTIONS,
    );
    return { index, conversations };
  } catch {
    // A damaged snapshot is only a cache: rebuild instead.
    return undefined;
  }
}

/**
 * Each document's stored fields, with the conversation id replaced by the
 * conversation entry's own string and roles and models interned: a
 * deserialised snapshot has one copy of each per document.
 */
function storedFieldsOf(
  index: AsPlainObject,
  conversations: Map<string, IndexedConversation>,
  intern: (s: string) => string,
): AsPlainObject['storedFields'] {
  const out: AsPlainObject['storedFields'] = {};
  for (const [shortId, fields] of Object.entries(index.storedFields)) {
    const stored = fields as Record<string, unknown>;
    const conversation = conversations.get(stored.conversationId as string);
    if (!conversation) throw new Error(`document ${shortId} belongs to no indexed conversation`);
    const kept: Record<string, unknown> = {};
    for (const field of STORED_FIELDS) {
      const value = stored[field];
      if (value !== undefined) kept[field] = typeof value === 'string' ? intern(value) : value;
    }
    kept.conversationId = conversation.id;
    out[shortId] = kept;
  }
  return out;
}
