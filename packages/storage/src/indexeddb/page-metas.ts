// The sync entries of a pulled page, read with few requests. Ids are
// time-sortable (UUIDv7) and a conversation's messages are written close
// together in time, so the page's messages of one conversation span a narrow
// key range. One getAllKeys over that span says which of them exist here
// (on a first sync: none), and only those are read. A span crowded with
// other records falls back to one read per key, so the result is always exact.
import type { Message, ServerRecordChange } from '../types.js';
import type { BulkRequests } from './bulk.js';
import type { StoredSyncMetadata } from './schema.js';
import type { WriteTx } from './tx.js';

/** Below this many messages of one conversation a span query saves nothing. */
const MIN_SPAN = 4;
/** Keys a span may hold beyond the page's own before it counts as crowded. */
const SLACK = 16;

/** The entry of each change of `remote`, by position. */
export async function readPageMetas(
  tx: WriteTx,
  bulk: BulkRequests,
  remote: ServerRecordChange[],
): Promise<(StoredSyncMetadata | undefined)[]> {
  const spans = new Map<string, number[]>();
  const direct: number[] = [];
  remote.forEach((r, i) => {
    if (r.kind !== 'message' || r.deleted) {
      direct.push(i);
      return;
    }
    const conversationId = (r.data as Message).conversationId;
    const span = spans.get(conversationId);
    if (span) span.push(i);
    else spans.set(conversationId, [i]);
  });
  const store = tx.objectStore('sync_metadata');
  const known = await Promise.all(
    [...spans.values()].map(async (positions) => {
      if (positions.length < MIN_SPAN) return undefined;
      const ids = positions.map((i) => remote[i]!.id).sort();
      const limit = positions.length + SLACK;
      const range = IDBKeyRange.bound(['message', ids[0]!], ['message', ids[ids.length - 1]!]);
      const keys = await store.getAllKeys(range, limit);
      // A full answer may have left keys out: then every key is read on its own.
      return keys.length < limit ? new Set(keys.map(([, id]) => id)) : undefined;
    }),
  );
  const toRead = [...direct];
  [...spans.values()].forEach((positions, s) => {
    const present = known[s];
    for (const i of positions) if (!present || present.has(remote[i]!.id)) toRead.push(i);
  });
  const values = await bulk.getMany(
    'sync_metadata',
    toRead.map((i) => [remote[i]!.kind, remote[i]!.id]),
  );
  const metas: (StoredSyncMetadata | undefined)[] = new Array(remote.length);
  toRead.forEach((i, n) => {
    metas[i] = values[n];
  });
  return metas;
}
