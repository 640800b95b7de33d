// When to try again after a failed sync: exponential, capped, with jitter so
// that devices cut off together do not all come back in the same second.

export interface BackoffOptions {
  /** First delay before jitter (default 1 s). */
  baseMs?: number;
  /** Largest delay (default 60 s). */
  maxMs?: number;
}

export class Backoff {
  private failures = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly random: () => number,
    opts: BackoffOptions = {},
  ) {
    this.baseMs = opts.baseMs ?? 1000;
    this.maxMs = opts.maxMs ?? 60_000;
  }

  /** Failures since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /**
   * The delay before the next attempt after one more failure. A server's
   * Retry-After wins: it knows when it will have room; a little jitter on
   * top keeps clients told the same time from arriving together.
   */
  fail(retryAfterMs?: number): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    if (retryAfterMs !== undefined) {
      return Math.round(retryAfterMs + this.random() * Math.min(1000, retryAfterMs / 10));
    }
    // "Equal jitter": at least half the step, so the delay still grows.
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  reset(): void {
    this.failures = 0;
  }
}
