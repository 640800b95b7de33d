// Pages of records that stop at a count or at a data budget, whichever comes
// first, but always hold at least one record: shared by pull and the
// bootstrap message listing of every store.
import type { PullPage, StoredChange } from './types.js';

/**
 * `rows` holds at most `limit + 1` records in answer order; reading stops at
 * the first that would not fit, so later rows' data need not be loaded.
 */
export function pageWithin<R extends { data: string | null }>(
  rows: Iterable<R>,
  limit: number,
  maxDataBytes: number,
  toStored: (row: R) => StoredChange,
): PullPage {
  const changes: StoredChange[] = [];
  let bytes = 0;
  for (const row of rows) {
    bytes += row.data === null ? 0 : Buffer.byteLength(row.data, 'utf8');
    if (changes.length === limit || (changes.length > 0 && bytes > maxDataBytes)) {
      return { changes, hasMore: true };
    }
    changes.push(toStored(row));
  }
  return { changes, hasMore: false };
}

/**
 * The first page of the conversation list also carries the user's project
 * records (their names), read in the same snapshot: a new device starts its
 * pull at that snapshot's version, so it would otherwise never see a project
 * named before it joined. Few and small, so they never make a page of their
 * own; they come first, so paging on by the last conversation's id is unchanged.
 */
export function withProjects(page: PullPage, after: string, projects: () => StoredChange[]): PullPage {
  if (after !== '') return page;
  return { ...page, changes: [...projects(), ...page.changes] };
}
