// Time, timers and randomness as one injectable object, so that tests can
// drive debounce, backoff and leases without waiting.

export type TimerHandle = unknown;

export interface SyncTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

export const systemTimers: SyncTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};

/** One pending callback at a time: scheduling again replaces it. */
export class Timer {
  private handle: TimerHandle | undefined;
  private dueAt: number | undefined;

  constructor(
    private readonly timers: SyncTimers,
    private readonly callback: () => void,
  ) {}

  /** When the pending callback is due, if one is. */
  get due(): number | undefined {
    return this.dueAt;
  }

  schedule(ms: number): void {
    this.cancel();
    this.dueAt = this.timers.now() + ms;
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      this.dueAt = undefined;
      this.callback();
    }, ms);
  }

  /** Schedules unless a callback is already due sooner. */
  scheduleNoLaterThan(ms: number): void {
    if (this.dueAt !== undefined && this.dueAt <= this.timers.now() + ms) return;
    this.schedule(ms);
  }

  cancel(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
    this.dueAt = undefined;
  }
}
