// How one pushed change is applied, written once for every store. The steps
// are a generator that yields the reads and writes it needs: SQLite answers
// them synchronously inside its transaction, PostgreSQL with awaited queries
// inside its own, and both reach the same outcome by the same rules.
import type { RecordKind } from '../protocol.js';
import type { PushOutcome, RecordHead, ValidChange } from '../store/types.js';
import { deleteTakesMessage, resolveChange } from './resolve.js';

/** What the apply steps ask of the store, inside the push transaction. */
export type ApplyStep =
  | { op: 'head'; kind: RecordKind; id: string }
  | { op: 'live-messages'; conversationId: string }
  | { op: 'write'; change: ValidChange; conversationId: string | null };

/** The answer to each step: a head (or undefined), the live message heads, or the new version. */
export type StepAnswer = RecordHead | undefined | RecordHead[] | number;

export function* applyChange(change: ValidChange): Generator<ApplyStep, PushOutcome, StepAnswer> {
  const stored = (yield { op: 'head', kind: change.kind, id: change.id }) as RecordHead | undefined;
  // A tombstone carries no data, so its conversation is the one stored with the message.
  const conversationId =
    change.kind === 'message' ? (change.conversationId ?? stored?.conversationId ?? undefined) : undefined;
  if (
    change.kind === 'message' &&
    change.conversationId &&
    stored?.conversationId &&
    stored.conversationId !== change.conversationId
  ) {
    return {
      status: 'rejected',
      reason: `Message ${change.id} belongs to conversation ${stored.conversationId}; it cannot move to ${change.conversationId}. Save it under a new id instead.`,
    };
  }
  const conversation =
    conversationId === undefined
      ? undefined
      : ((yield { op: 'head', kind: 'conversation', id: conversationId }) as RecordHead | undefined);
  const decision = resolveChange(change, stored, conversation);
  if (decision.action === 'repeat') return { status: 'applied', version: decision.version };
  const version =
    decision.action === 'write'
      ? ((yield { op: 'write', change, conversationId: conversationId ?? null }) as number)
      : undefined;
  if (change.kind === 'conversation' && change.deleted) {
    // Other devices learn of each message's deletion through a new version.
    const messages = (yield { op: 'live-messages', conversationId: change.id }) as RecordHead[];
    for (const message of messages) {
      if (!deleteTakesMessage(message.hlc, change.hlc, version !== undefined)) continue;
      const erase: ValidChange = {
        kind: 'message',
        id: message.id,
        projectId: message.projectId,
        hlc: change.hlc,
        deleted: true,
        data: null,
      };
      yield { op: 'write', change: erase, conversationId: message.conversationId };
    }
  }
  if (decision.action === 'stale') return { status: 'stale', current: decision.current };
  return { status: 'applied', version: version! };
}

/** Runs the steps with a synchronous store (SQLite). */
export function applyChangeSync(change: ValidChange, answer: (step: ApplyStep) => StepAnswer): PushOutcome {
  const steps = applyChange(change);
  let next = steps.next();
  while (!next.done) next = steps.next(answer(next.value));
  return next.value;
}

/** Runs the steps with an asynchronous store (PostgreSQL). */
export async function applyChangeAsync(
  change: ValidChange,
  answer: (step: ApplyStep) => Promise<StepAnswer>,
): Promise<PushOutcome> {
  const steps = applyChange(change);
  let next = steps.next();
  while (!next.done) next = steps.next(await answer(next.value));
  return next.value;
}
