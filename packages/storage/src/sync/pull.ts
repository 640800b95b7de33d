// Downstream: pages of remote changes from the stored cursor. Each page and
// its cursor are applied in one adapter transaction, so the cursor never
// gets ahead of the data: a page cut off mid-way is simply fetched again.
// The next page is requested while the current one is applied (the network
// and the database work at the same time); it is used only once the current
// page committed, and dropped if that failed.
import type { SyncSource } from '../types.js';
import type { PullResponse, SyncClient } from './http.js';

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
  if (!opts.shouldContinue()) return outcome;
  let next: Promise<PullResponse> | undefined = client.pull(token, cursor, limit);
  while (next) {
    const page: PullResponse = await next;
    next = undefined;
    // An empty page that claims more, or a cursor that does not move, would loop forever.
    const more = page.hasMore && page.changes.length > 0 && page.cursor !== cursor;
    if (more && opts.shouldContinue()) {
      next = client.pull(token, page.cursor, limit);
      // Awaited on the next turn; if this page fails to apply it is never used.
      next.catch(() => {});
    }
    const result = await adapter.applyRemote(page.changes, page.cursor);
    outcome.pages += 1;
    outcome.changes += page.changes.length;
    outcome.conflicts += result.conflicts;
    cursor = page.cursor;
    if (!opts.shouldContinue()) break;
  }
  return outcome;
}
