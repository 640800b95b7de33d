// Writes push and pull answers as JSON, splicing each record's stored data
// text in unchanged (so a record comes back byte for byte as it was pushed),
// and keeps every answer within MAX_ANSWER_BYTES: pull pages stop early, and
// a stale result's `current` leaves its data out when it would not fit, or
// when an earlier result of the same answer already carried it.
//
// An answer is a list of pieces encoded once into one buffer: records of
// several MiB are never concatenated into further strings on the way.
import { MAX_ANSWER_BYTES } from '../protocol.js';
import type { ConversationPage, PushOutcome, RecordHead, StoredChange } from '../store/types.js';
import { encodeCursor } from './cursor.js';

/** Pieces of JSON text and their UTF-8 size. */
class Pieces {
  readonly list: string[] = [];
  bytes = 0;

  add(...texts: string[]): this {
    for (const text of texts) {
      this.list.push(text);
      this.bytes += Buffer.byteLength(text, 'utf8');
    }
    return this;
  }

  append(other: Pieces): this {
    this.list.push(...other.list);
    this.bytes += other.bytes;
    return this;
  }

  /** The pieces as UTF-8 bytes, written once into a buffer of the exact size. */
  toBuffer(): Buffer<ArrayBuffer> {
    const out = Buffer.allocUnsafe(this.bytes);
    let at = 0;
    for (const text of this.list) at += out.write(text, at, 'utf8');
    return out;
  }
}

/** Room for the answer's own fields (`cursor`, `hasMore`) around the list. */
const FRAME_BYTES = 256;

/**
 * A stored change as JSON pieces. `data` is the stored text (null for a
 * tombstone); `undefined` leaves it out and marks the change `truncated`.
 */
function changePieces(head: RecordHead, data: string | null | undefined): Pieces {
  const envelope = JSON.stringify({
    kind: head.kind,
    id: head.id,
    projectId: head.projectId,
    ...(head.conversationId === null ? {} : { conversationId: head.conversationId }),
    hlc: head.hlc,
    deleted: head.deleted,
  });
  const pieces = new Pieces().add(envelope.slice(0, -1));
  if (data === undefined) pieces.add(',"truncated":true');
  else pieces.add(',"data":', data ?? 'null');
  return pieces.add(`,"version":${head.version}}`);
}

/**
 * The changes of a page as a JSON list, cut short (hasMore) where the next
 * change would pass the answer limit; `last` is the version of the last one listed.
 */
function changeList(page: { changes: StoredChange[]; hasMore: boolean }, last: number) {
  const list = new Pieces().add('[');
  let hasMore = page.hasMore;
  let listed = 0;
  for (const [i, change] of page.changes.entries()) {
    const json = changePieces(change, change.data);
    // Always at least one change: a record (4 MiB at most) fits on its own.
    if (i > 0 && list.bytes + json.bytes + 1 + FRAME_BYTES > MAX_ANSWER_BYTES) {
      hasMore = true;
      break;
    }
    if (i > 0) list.add(',');
    list.append(json);
    last = change.version;
    listed = i + 1;
  }
  return { list: list.add(']'), hasMore, last, listed };
}

/** A pull page as JSON: `{changes, cursor, hasMore}`. */
export function pullAnswer(
  page: { changes: StoredChange[]; hasMore: boolean },
  since: number,
): Buffer<ArrayBuffer> {
  const { list, hasMore, last } = changeList(page, since);
  return new Pieces()
    .add('{"changes":')
    .append(list)
    .add(`,"cursor":${JSON.stringify(encodeCursor(last))},"hasMore":${hasMore}}`)
    .toBuffer();
}

/**
 * A page of a conversation's messages as JSON: `{changes, hasMore}`, and
 * `"order":"newest"` when they come by descending id (so that a client can
 * tell this server from one that ignored the order it asked for).
 */
export function messagesAnswer(
  page: { changes: StoredChange[]; hasMore: boolean },
  order?: 'newest',
): Buffer<ArrayBuffer> {
  const { list, hasMore } = changeList(page, 0);
  const answer = new Pieces().add('{"changes":').append(list).add(`,"hasMore":${hasMore}`);
  if (order) answer.add(`,"order":${JSON.stringify(order)}`);
  return answer.add('}').toBuffer();
}

/**
 * Messages of many conversations as JSON: `{changes, hasMore, next}`, where
 * `next` (only when cut short) names the last conversation listed and its
 * last message listed, the place to go on from.
 */
export function manyMessagesAnswer(page: { changes: StoredChange[]; hasMore: boolean }): Buffer<ArrayBuffer> {
  const { list, hasMore, listed } = changeList(page, 0);
  const answer = new Pieces().add('{"changes":').append(list).add(`,"hasMore":${hasMore}`);
  const last = page.changes[listed - 1];
  if (hasMore && last?.conversationId) {
    answer.add(`,"next":${JSON.stringify({ conversationId: last.conversationId, after: last.id })}`);
  }
  return answer.add('}').toBuffer();
}

/**
 * A page of conversations as JSON: `{changes, cursor, hasMore}` for the
 * first page (its snapshot's cursor is where the client's pull starts),
 * `{changes, hasMore}` for the pages after it, whose own snapshots are newer
 * and so no place to pull from.
 */
export function conversationsAnswer(page: ConversationPage, first: boolean): Buffer<ArrayBuffer> {
  const { list, hasMore } = changeList(page, 0);
  const answer = new Pieces().add('{"changes":').append(list);
  if (first) answer.add(`,"cursor":${JSON.stringify(encodeCursor(page.version))}`);
  return answer.add(`,"hasMore":${hasMore}}`).toBuffer();
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
): Promise<Buffer<ArrayBuffer>> {
  const resultPieces = (result: AnsweredResult, data?: string | null): Pieces => {
    if (result.status !== 'stale') return new Pieces().add(JSON.stringify(result));
    const { current, ...rest } = result;
    const json = changePieces(current, data);
    return new Pieces()
      .add(`${JSON.stringify(rest).slice(0, -1)},"current":`)
      .append(json)
      .add('}');
  };
  // Every current without its data first (a tombstone's data is null anyway)...
  const parts = results.map((r) =>
    resultPieces(r, r.status === 'stale' && r.current.deleted ? null : undefined),
  );
  let bytes = FRAME_BYTES + parts.reduce((sum, part) => sum + part.bytes + 1, 0);
  // ...then data for the first result of each record, in order, while it fits.
  const given = new Set<string>();
  for (const [i, result] of results.entries()) {
    if (result.status !== 'stale' || result.current.deleted) continue;
    const key = `${result.current.kind}\u0000${result.current.id}`;
    if (given.has(key)) continue;
    given.add(key);
    const data = await readData(result.current);
    if (data === undefined || data === null) continue;
    const withData = resultPieces(result, data);
    const grown = bytes - parts[i]!.bytes + withData.bytes;
    if (grown > MAX_ANSWER_BYTES) continue;
    parts[i] = withData;
    bytes = grown;
  }
  const answer = new Pieces().add('{"results":[');
  for (const [i, part] of parts.entries()) {
    if (i > 0) answer.add(',');
    answer.append(part);
  }
  return answer.add(`],"cursor":${JSON.stringify(encodeCursor(cursorVersion))}}`).toBuffer();
}
