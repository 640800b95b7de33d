// The persisted form of a search index: MiniSearch's own serialisation plus
// what was indexed per conversation. A snapshot of another layout version
// is ignored (and the index rebuilt), never half-read.
import MiniSearch, { type AsPlainObject } from 'minisearch';
import { type IndexedConversation, MINISEARCH_OPTIONS, type SearchDocument } from './documents.js';

/** Bump when documents, terms or this layout change: older snapshots are then rebuilt. */
export const SNAPSHOT_VERSION = 1;

interface Snapshot {
  version: number;
  savedAt: number;
  index: AsPlainObject;
  conversations: [string, Omit<IndexedConversation, 'messageIds'> & { messageIds: string[] }][];
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
    conversations: [...conversations].map(([id, c]) => [id, { ...c, messageIds: [...c.messageIds] }]),
  };
}

export function fromSnapshot(
  value: unknown,
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
    const index = MiniSearch.loadJS<SearchDocument>(snapshot.index, MINISEARCH_OPTIONS);
    const conversations = new Map<string, IndexedConversation>(
      snapshot.conversations.map(([id, c]) => [id, { ...c, messageIds: new Set(c.messageIds) }]),
    );
    return { index, conversations };
  } catch {
    // A damaged snapshot is only a cache: rebuild instead.
    return undefined;
  }
}
