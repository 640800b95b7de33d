// Rate limits: a token bucket per user for sync requests (lets bursts
// through, caps the sustained rate) and a sliding window of failed logins
// per username (stops password guessing).
import type { MiddlewareHandler } from 'hono';
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
  return async (c, next) => {
    const wait = buckets.take(c.get('userId'));
    if (wait > 0) {
      throw new HttpError(429, 'rate-limited', `Too many sync requests; retry in ${wait} s.`, {
        'Retry-After': String(wait),
      });
    }
    await next();
  };
}

export interface LoginLimitOptions {
  maxFailures: number;
  windowMs: number;
}

export class LoginFailures {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly opts: LoginLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(username: string): number[] {
    const since = this.now() - this.opts.windowMs;
    const list = (this.failures.get(username) ?? []).filter((t) => t > since);
    if (list.length) this.failures.set(username, list);
    else this.failures.delete(username);
    return list;
  }

  /** Throws 429 while the username has used up its failed attempts. */
  check(username: string): void {
    const list = this.recent(username);
    if (list.length < this.opts.maxFailures) return;
    const wait = Math.max(1, Math.ceil((list[0]! + this.opts.windowMs - this.now()) / 1000));
    throw new HttpError(
      429,
      'rate-limited',
      `Too many failed logins for this username; try again in ${wait} s.`,
      { 'Retry-After': String(wait) },
    );
  }

  record(username: string): void {
    const list = this.recent(username);
    list.push(this.now());
    this.failures.set(username, list);
    if (this.failures.size > 100_000) {
      // Bounded memory under a flood of made-up usernames: forget the oldest.
      const first = this.failures.keys().next().value;
      if (first !== undefined) this.failures.delete(first);
    }
  }
}
