// Upstream: the outbox (pending records, oldest stamp first) in batches.
// Only `applied` stamps that are still current become synced; `stale`
// answers adopt the server's newer version (the adapter keeps the losing
// local edit as a conflict); `rejected` ones are remembered with the reason.
import type { PushAck, RecordChange, RejectInput, ServerRecordChange, SyncSource } from '../types.js';
import { type PushResult, type SyncClient, SyncRequestError, type TruncatedChange } from './http.js';
import { MAX_RECORD_BYTES, type Refusal } from './protocol.js';

/** A change the server refused, with its reason and, from a 1.1 server, its code and figures. */
export interface RejectedChange extends RejectInput {
  projectId: string;
  at: number;
}

export interface PushOutcome {
  applied: PushAck[];
  stale: number;
  rejected: RejectedChange[];
  conflicts: number;
}

export interface PushOptions {
  adapter: SyncSource;
  client: SyncClient;
  token: string;
  /** Most changes per request (the protocol allows 1000; default 500). */
  batchSize: number;
  /** Most bytes of changes per request, below the server's 16 MiB body limit. */
  maxBatchBytes: number;
  now: () => number;
  shouldContinue: () => boolean;
}

const encoder = new TextEncoder();
const keyOf = (c: { kind: string; id: string }) => `${c.kind}:${c.id}`;
const stampKey = (c: { kind: string; id: string; hlc: string }) => `${c.kind}:${c.id}@${c.hlc}`;

export async function pushPending(opts: PushOptions): Promise<PushOutcome> {
  const { adapter, client, token } = opts;
  const outcome: PushOutcome = { applied: [], stale: 0, rejected: [], conflicts: 0 };
  // Stamps sent in this run that are still pending afterwards (e.g. `stale`
  // without a `current`): skipped until the next run so the loop ends.
  const unresolved = new Set<string>();
  const retried = new Set<string>();
  // The stamp each record went with in this run: a record edited since (an
  // answer still streaming) waits for the next run, which its edit schedules.
  const sentAt = new Map<string, string>();
  const edited = new Set<string>();
  let limit = opts.batchSize;

  while (opts.shouldContinue()) {
    const pending = await adapter.pendingChanges(limit + unresolved.size + edited.size);
    const fresh: RecordChange[] = [];
    let newlyEdited = false;
    for (const c of pending) {
      if (unresolved.has(stampKey(c))) continue;
      if ((sentAt.get(keyOf(c)) ?? c.hlc) !== c.hlc) {
        if (!edited.has(keyOf(c))) newlyEdited = true;
        edited.add(keyOf(c));
        continue;
      }
      fresh.push(c);
      if (fresh.length === limit) break;
    }
    // Skipped edits may hide further records behind them: read a longer page.
    if (fresh.length === 0 && newlyEdited) continue;
    if (fresh.length === 0) break;
    const batch = fitToBytes(fresh, opts.maxBatchBytes);

    let response: Awaited<ReturnType<SyncClient['push']>>;
    try {
      response = await client.push(token, { clientId: adapter.clientId, changes: batch });
    } catch (error) {
      if (error instanceof SyncRequestError && error.status === 413) {
        if (batch.length > 1) {
          limit = Math.max(1, Math.floor(batch.length / 2));
          continue;
        }
        // One record alone is over the server's body limit: it can never be sent as it is.
        const change = batch[0]!;
        const size = encoder.encode(JSON.stringify(change.data)).length;
        const rejected = rejection(change, opts.now(), {
          reason: `The record is ${size} bytes of JSON, more than the sync server takes in one request.`,
          code: 'too-large',
          size,
          limit: MAX_RECORD_BYTES,
        });
        await adapter.markRejected([rejected]);
        outcome.rejected.push(rejected);
        continue;
      }
      throw error;
    }

    const sent = new Map(batch.map((c) => [keyOf(c), c]));
    for (const c of batch) sentAt.set(keyOf(c), c.hlc);
    const acks: PushAck[] = [];
    const currents: ServerRecordChange[] = [];
    const staleChanges: RecordChange[] = [];
    const rejects: RejectedChange[] = [];
    const answered = new Set<string>();
    for (const result of response.results) {
      const change = sent.get(keyOf(result));
      if (!change) continue;
      answered.add(keyOf(change));
      if (result.status === 'applied' && result.version !== undefined) {
        acks.push({ kind: change.kind, id: change.id, hlc: change.hlc, version: result.version });
      } else if (result.status === 'stale') {
        outcome.stale += 1;
        if (change.kind === 'message' && change.deleted && isTombstoneOf(result.current, change)) {
          // Deleting a message of a deleted conversation: the server's cascade already deleted it.
          acks.push({ kind: change.kind, id: change.id, hlc: change.hlc, version: result.current.version });
          continue;
        }
        staleChanges.push(change);
        // For a message of a deleted conversation, `current` is the conversation's tombstone.
        // A truncated current (too large for the answer) comes with the pull that follows.
        if (result.current && !('truncated' in result.current)) currents.push(result.current);
      } else if (result.status === 'rejected') {
        rejects.push(rejection(change, opts.now(), refusalOf(result)));
      } else {
        unresolved.add(stampKey(change));
      }
    }
    for (const change of batch) {
      if (!answered.has(keyOf(change))) unresolved.add(stampKey(change));
    }

    if (acks.length > 0) await adapter.markPushed(acks, opts.now());
    if (currents.length > 0) {
      const applied = await adapter.applyRemote(currents);
      outcome.conflicts += applied.conflicts;
    }
    // A stale change the server's answer did not settle stays pending; it may
    // go once more in this run (the batch may have changed what the server
    // holds), then waits for the next run so that this loop always ends.
    for (const change of staleChanges) {
      const meta = await adapter.getSyncMetadata(change.kind, change.id);
      if (meta?.syncStatus !== 'pending' || meta.hlc !== change.hlc) continue;
      const key = stampKey(change);
      if (retried.has(key)) unresolved.add(key);
      else retried.add(key);
    }
    if (rejects.length > 0) await adapter.markRejected(rejects);
    outcome.applied.push(...acks);
    outcome.rejected.push(...rejects);
    limit = opts.batchSize;
  }
  return outcome;
}

function isTombstoneOf(
  current: ServerRecordChange | TruncatedChange | undefined,
  change: RecordChange,
): current is ServerRecordChange {
  return (
    current?.kind === 'conversation' &&
    current.deleted &&
    !('truncated' in current) &&
    current.projectId === change.projectId
  );
}

function rejection(change: RecordChange, at: number, refusal: Refusal): RejectedChange {
  const { kind, id, projectId, hlc } = change;
  return { ...refusal, kind, id, projectId, hlc, at };
}

/** What the server said: a v1 server gives only a reason, 1.1 also a code and figures. */
function refusalOf(result: PushResult): Refusal {
  const refusal: Refusal = { reason: result.reason ?? 'The sync server refused this change.' };
  if (result.code !== undefined) refusal.code = result.code;
  if (result.limit !== undefined) refusal.limit = result.limit;
  if (result.size !== undefined) refusal.size = result.size;
  return refusal;
}

/** The longest prefix of `changes` within `maxBytes` (always at least one change). */
function fitToBytes(changes: RecordChange[], maxBytes: number): RecordChange[] {
  let total = 0;
  for (let i = 0; i < changes.length; i++) {
    total += encoder.encode(JSON.stringify(changes[i])).length + 1;
    if (total > maxBytes && i > 0) return changes.slice(0, i);
  }
  return changes;
}
