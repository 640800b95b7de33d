// Writes push and pull answers as JSON text, splicing each record's stored
// data text in unchanged (so a record comes back byte for byte as it was
// pushed), and keeps every answer within MAX_ANSWER_BYTES: pull pages stop
// early, and a stale result's `current` leaves its data out when it would
// not fit, or when an earlier result of the same answer already carried it.
import { MAX_ANSWER_BYTES } from '../protocol.js';
import type { PushOutcome, RecordHead, StoredChange } from '../store/types.js';
import { encodeCursor } from './cursor.js';

const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

/** Room for the answer's own fields (`cursor`, `hasMore`) around the list. */
const FRAME_BYTES = 256;

/**
 * The JSON of a stored change. `data` is the stored text (null for a
 * tombstone); `undefined` leaves it out and marks the change `truncated`.
 */
export function changeJson(head: RecordHead, data: string | null | undefined): string {
  const envelope = JSON.stringify({
    kind: head.kind,
    id: head.id,
    projectId: head.projectId,
    ...(head.conversationId === null ? {} : { conversationId: head.conversationId }),
    hlc: head.hlc,
    deleted: head.deleted,
  });
  const content = data === undefined ? '"truncated":true' : `"data":${data ?? 'null'}`;
  return `${envelope.slice(0, -1)},${content},"version":${head.version}}`;
}

/** A pull page as JSON, cut short (hasMore) where the next change would pass the answer limit. */
export function pullAnswer(page: { changes: StoredChange[]; hasMore: boolean }, since: number): string {
  const parts: string[] = [];
  let bytes = FRAME_BYTES;
  let last = since;
  let hasMore = page.hasMore;
  for (const change of page.changes) {
    const json = changeJson(change, change.data);
    bytes += bytesOf(json) + 1;
    // Always at least one change: a record (4 MiB at most) fits on its own.
    if (parts.length > 0 && bytes > MAX_ANSWER_BYTES) {
      hasMore = true;
      break;
    }
    parts.push(json);
    last = change.version;
  }
  return `{"changes":[${parts.join(',')}],"cursor":${JSON.stringify(encodeCursor(last))},"hasMore":${hasMore}}`;
}

/** The data text a pull may load for a page of `limit` changes, leaving room for their envelopes. */
export function pullDataBudget(limit: number): number {
  // An envelope of valid ids and stamp is under 2 KiB even when every character is escaped.
  return MAX_ANSWER_BYTES - FRAME_BYTES - limit * 2048;
}

export type AnsweredResult =
  | { kind: string; id: string; status: 'rejected'; reason: string }
  | ({ kind: string; id: string } & PushOutcome);

/**
 * A push answer as JSON. Stale results carry `current` with its data only
 * while the answer stays within MAX_ANSWER_BYTES, and only the first time a
 * record appears; `readData` fetches the stored text of such a record
 * (undefined when it changed since the push, so the envelope would not match).
 */
export async function pushAnswer(
  results: AnsweredResult[],
  cursorVersion: number,
  readData: (head: RecordHead) => Promise<string | null | undefined>,
): Promise<string> {
  const staleJson = (result: AnsweredResult & { status: 'stale' }, data: string | null | undefined) => {
    const { current, ...rest } = result;
    return `${JSON.stringify(rest).slice(0, -1)},"current":${changeJson(current, data)}}`;
  };
  // Every current without its data first (a tombstone's data is null anyway)...
  const parts = results.map((result) =>
    result.status === 'stale'
      ? staleJson(result, result.current.deleted ? null : undefined)
      : JSON.stringify(result),
  );
  let bytes = FRAME_BYTES + parts.reduce((sum, part) => sum + bytesOf(part) + 1, 0);
  // ...then data for the first result of each record, in order, while it fits.
  const given = new Set<string>();
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    if (result.status !== 'stale' || result.current.deleted) continue;
    const key = `${result.current.kind}\u0000${result.current.id}`;
    if (given.has(key)) continue;
    given.add(key);
    const data = await readData(result.current);
    if (data === undefined || data === null) continue;
    const withData = staleJson(result, data);
    const grown = bytes - bytesOf(parts[i]!) + bytesOf(withData);
    if (grown > MAX_ANSWER_BYTES) continue;
    parts[i] = withData;
    bytes = grown;
  }
  return `{"results":[${parts.join(',')}],"cursor":${JSON.stringify(encodeCursor(cursorVersion))}}`;
}
