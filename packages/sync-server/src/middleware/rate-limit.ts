// The rate limit of sync requests: a token bucket per user (lets bursts
// through, caps the sustained rate). Limits on logins and sign-ups are in
// auth/attempt-limits.ts.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { HttpError } from '../errors.js';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: the largest burst that passes at once. */
  burst: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly opts: TokenBucketOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when a token was taken, else the seconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const { ratePerSecond, burst } = this.opts;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.prune(now);
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
  }

  /** Full buckets carry no information: drop them so memory stays bounded. */
  private prune(now: number) {
    if (this.buckets.size < 10_000) return;
    const full = (this.opts.burst / this.opts.ratePerSecond) * 1000;
    for (const [key, b] of this.buckets) if (now - b.at > full) this.buckets.delete(key);
  }
}

export function syncRateLimit(buckets: TokenBuckets): MiddlewareHandler<AppEnv> {
  return rateLimitBy(buckets, (c) => c.get('userId'), 'sync requests');
}

/** The same limit keyed otherwise, e.g. by client address for requests without an account. */
export function rateLimitBy(
  buckets: TokenBuckets,
  keyOf: (c: Context<AppEnv>) => string,
  what: string,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const wait = buckets.take(keyOf(c));
    if (wait > 0) {
      throw new HttpError(429, 'rate-limited', `Too many ${what}; retry in ${wait} s.`, {
        'Retry-After': String(wait),
      });
    }
    await next();
  };
}
