// Downstream: pages of remote changes from the stored cursor. Each page and
// its cursor are applied in one adapter transaction, so the cursor never
// gets ahead of the data: a page cut off mid-way is simply fetched again.
import type { SyncSource } from '../types.js';
import type { SyncClient } from './http.js';

export interface PullOutcome {
  pages: number;
  changes: number;
  conflicts: number;
}

export async function pullChanges(opts: {
  adapter: SyncSource;
  client: SyncClient;
  token: string;
  limit: number;
  /** Checked between pages: stop early when the engine is stopping. */
  shouldContinue: () => boolean;
}): Promise<PullOutcome> {
  const { adapter, client, token, limit } = opts;
  const outcome: PullOutcome = { pages: 0, changes: 0, conflicts: 0 };
  let cursor = await adapter.getCursor();
  while (opts.shouldContinue()) {
    const page = await client.pull(token, cursor, limit);
    const result = await adapter.applyRemote(page.changes, page.cursor);
    outcome.pages += 1;
    outcome.changes += page.changes.length;
    outcome.conflicts += result.conflicts;
    // An empty page that claims more, or a cursor that does not move, would loop forever.
    if (!page.hasMore || page.changes.length === 0 || page.cursor === cursor) break;
    cursor = page.cursor;
  }
  return outcome;
}
