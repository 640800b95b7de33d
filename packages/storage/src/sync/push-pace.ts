// When a local change is pushed. A finished message, a rename or a delete
// goes at once: another device should see it within a second. Only the
// chunks of an answer still streaming are coalesced, to at most one push a
// second, so a long answer costs the server a request a second, not one
// per token.
import type { Message, StorageChange } from '../types.js';
import { type SyncTimers, Timer } from './timers.js';

export interface PushPaceOptions {
  /**
   * Quiet time after a local change before pushing (default 0: at once). A
   * stream of writes still pushes every 5 such periods.
   */
  debounceMs?: number;
  /** While an answer streams, at most one push this often (default 1 s). */
  streamingPushMs?: number;
}

const MAX_DEBOUNCE_FACTOR = 5;

export class PushPace {
  private readonly timer: Timer;
  private readonly debounceMs: number;
  private readonly streamingMs: number;
  private lastPushAt: number | undefined;
  private firstChangeAt: number | undefined;

  constructor(
    private readonly timers: SyncTimers,
    opts: PushPaceOptions,
    push: () => void,
  ) {
    this.debounceMs = opts.debounceMs ?? 0;
    this.streamingMs = opts.streamingPushMs ?? 1000;
    this.timer = new Timer(timers, push);
  }

  /** A local change was committed; `streaming` when it is only a chunk of an answer still arriving. */
  changed(streaming: boolean): void {
    const now = this.timers.now();
    this.firstChangeAt ??= now;
    let wait = 0;
    if (this.debounceMs > 0) {
      const waited = now - this.firstChangeAt;
      wait = Math.max(0, Math.min(this.debounceMs, this.debounceMs * MAX_DEBOUNCE_FACTOR - waited));
    }
    if (!streaming) {
      this.timer.schedule(wait);
      return;
    }
    const paced = this.lastPushAt === undefined ? 0 : this.lastPushAt + this.streamingMs - now;
    // Later chunks never push the due time back: one push a second while the answer streams.
    if (this.timer.due !== undefined && this.debounceMs === 0) {
      this.timer.scheduleNoLaterThan(Math.max(wait, paced));
    } else {
      this.timer.schedule(Math.max(wait, paced));
    }
  }

  /** A push is starting: it takes every change so far. */
  pushing(): void {
    this.lastPushAt = this.timers.now();
    this.firstChangeAt = undefined;
    this.timer.cancel();
  }

  cancel(): void {
    this.timer.cancel();
    this.firstChangeAt = undefined;
  }
}

type MessageReader = { getMessagesByIds?(ids: readonly string[]): Promise<(Message | undefined)[]> };

/**
 * Whether a change only wrote chunks of answers still streaming: its
 * messages, read back, are all `streaming`, and it deleted nothing. Anything
 * else (a finished message, a rename, a delete) is pushed at once.
 */
export async function isStreamingChunk(adapter: MessageReader, change: StorageChange): Promise<boolean> {
  if (change.messages.length === 0 || !adapter.getMessagesByIds) return false;
  if (change.messages.some((m) => m.deleted) || change.conversations.some((c) => c.deleted)) return false;
  try {
    const messages = await adapter.getMessagesByIds(change.messages.map((m) => m.id));
    return messages.every((m) => m?.status === 'streaming');
  } catch {
    return false; // the adapter is closing: pushing at once is the safe side
  }
}
