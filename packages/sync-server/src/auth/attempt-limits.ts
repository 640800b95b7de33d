// Limits on failed logins (per username and per client address) and on
// sign-ups (per client address). The counts live in the store, so they hold
// across restarts and across every instance sharing the database; each
// attempt is counted before its password is hashed, so a burst of parallel
// requests cannot slip past the limit while the hashes run.
import { HttpError } from '../errors.js';
import type { AttemptWindow, SyncStore } from '../store/types.js';

export interface LoginLimitOptions {
  maxFailures: number;
  windowMs: number;
}

export interface AttemptLimitOptions {
  /** Failed logins per username; DESIGN.md: at most 10 a minute. */
  perUsername: LoginLimitOptions;
  /** Failed logins per client address, whatever the usernames tried. */
  perAddress: LoginLimitOptions;
  /** Sign-ups (each costs a password hash) per client address. */
  signupsPerAddress: { max: number; windowMs: number };
}

const HOUR = 60 * 60 * 1000;

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimitOptions = {
  perUsername: { maxFailures: 10, windowMs: 60_000 },
  perAddress: { maxFailures: 60, windowMs: HOUR },
  signupsPerAddress: { max: 10, windowMs: HOUR },
};

const REFUSALS: Record<AttemptWindow['scope'], string> = {
  'login-username': 'Too many failed logins for this username',
  'login-address': 'Too many failed logins from your network address',
  'signup-address': 'Too many sign-ups from your network address',
};

export class AttemptLimits {
  constructor(
    private readonly store: SyncStore,
    private readonly opts: AttemptLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 with Retry-After when any window is full; else records the attempt under all of them. */
  private async take(windows: AttemptWindow[]): Promise<number[]> {
    const outcome = await this.store.takeAttempt(windows, this.now());
    if (outcome.allowed) return outcome.ids;
    const wait = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
    throw new HttpError(429, 'rate-limited', `${REFUSALS[outcome.window.scope]}; try again in ${wait} s.`, {
      'Retry-After': String(wait),
    });
  }

  /**
   * Counts a login as failed until `succeeded` is called: an attempt still
   * running counts against the limit too.
   */
  async beginLogin(username: string, address: string): Promise<{ succeeded: () => Promise<void> }> {
    const { perUsername, perAddress } = this.opts;
    const ids = await this.take([
      {
        scope: 'login-username',
        key: username,
        max: perUsername.maxFailures,
        windowMs: perUsername.windowMs,
      },
      { scope: 'login-address', key: address, max: perAddress.maxFailures, windowMs: perAddress.windowMs },
    ]);
    return { succeeded: () => this.store.releaseAttempt(ids) };
  }

  async beginSignup(address: string): Promise<void> {
    const { max, windowMs } = this.opts.signupsPerAddress;
    await this.take([{ scope: 'signup-address', key: address, max, windowMs }]);
  }
}
