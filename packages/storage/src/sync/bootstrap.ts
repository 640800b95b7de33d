// A fresh device's first step against a protocol 1.1 server: the
// conversation list in one snapshot, written first so the sidebar can paint,
// with the snapshot's cursor, so that the normal pull starts from there. The
// messages follow in the background (backfill.ts). Against a v1 server (no
// bootstrap endpoints) nothing happens here and the pull starts from the
// beginning, as before.
//
// Crash safety: the progress says 'listing' before anything is written and
// the cursor is stored with the last batch of conversations; a restart that
// finds 'listing' lists again (records applied twice are harmless: the
// greatest stamp wins). Only then does the progress become the queue of
// conversations whose messages are still to download.
import type { ServerRecordChange, SyncSource } from '../types.js';
import { type SyncClient, SyncRequestError } from './http.js';
import { yieldToMain } from './yield.js';

/** Conversation records per transaction while listing (small records: the sidebar comes first). */
const LIST_BATCH = 500;

export type ListOutcome =
  /** Conversations written; their messages are queued for the backfill. */
  | 'listed'
  /** Not a fresh device, or the list was written before: nothing to do. */
  | 'skipped'
  /** The server has no bootstrap endpoints (protocol v1): the pull starts from the beginning. */
  | 'v1';

export interface ListOptions {
  adapter: SyncSource;
  client: SyncClient;
  token: string;
  shouldContinue: () => boolean;
  /** Conversations per page of the list (default: the server's, which pages only past 5,000). */
  pageLimit?: number;
}

/** Lists the user's conversations on a device that never synced (no cursor). */
export async function listConversations(opts: ListOptions): Promise<ListOutcome> {
  const { adapter, client, token } = opts;
  const [cursor, progress] = await Promise.all([adapter.getCursor(), adapter.getBootstrap()]);
  if (progress?.stage === 'messages') return 'skipped';
  if (cursor !== undefined && progress === undefined) return 'skipped';
  await adapter.setBootstrap({ stage: 'listing', queue: [], total: 0 });

  let snapshot: { changes: ServerRecordChange[]; cursor: string };
  try {
    snapshot = await readSnapshot(client, token, opts.pageLimit);
  } catch (error) {
    if (error instanceof SyncRequestError && error.status === 404) {
      await adapter.setBootstrap(undefined);
      return 'v1';
    }
    throw error;
  }
  if (!opts.shouldContinue()) return 'skipped';

  const { changes } = snapshot;
  for (let i = 0; i < changes.length || i === 0; i += LIST_BATCH) {
    const last = i + LIST_BATCH >= changes.length;
    // The cursor goes with the last batch: until then a restart lists again.
    await adapter.applyRemote(changes.slice(i, i + LIST_BATCH), last ? snapshot.cursor : undefined);
    if (!last) await yieldToMain();
  }

  const queue = downloadOrder(changes);
  await adapter.setBootstrap(
    queue.length > 0 ? { stage: 'messages', queue, total: queue.length } : undefined,
  );
  return 'listed';
}

/**
 * Every conversation record and the snapshot's cursor. A server that pages
 * the list (`hasMore`) is read to the end; the first page's cursor is kept,
 * the oldest, so the pull also brings whatever changed while paging.
 */
async function readSnapshot(
  client: SyncClient,
  token: string,
  limit: number | undefined,
): Promise<{ changes: ServerRecordChange[]; cursor: string }> {
  let page = await client.conversations(token, { limit });
  const cursor = page.cursor;
  if (cursor === undefined) {
    throw new SyncRequestError(
      'bad-response',
      'The sync server listed conversations without the cursor to pull on from.',
    );
  }
  const changes = [...page.changes];
  while (page.hasMore === true && page.changes.length > 0) {
    const after = page.changes[page.changes.length - 1]!.id;
    page = await client.conversations(token, { after, limit });
    changes.push(...page.changes);
  }
  return { changes, cursor };
}

/** Live conversations, most recently updated first: the top of the sidebar downloads first. */
function downloadOrder(changes: ServerRecordChange[]): string[] {
  const updated = (c: ServerRecordChange) => {
    const at = (c.data as { updatedAt?: unknown } | null)?.updatedAt;
    return typeof at === 'number' ? at : 0;
  };
  return changes
    .filter((c) => c.kind === 'conversation' && !c.deleted)
    .sort((a, b) => updated(b) - updated(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c) => c.id);
}
