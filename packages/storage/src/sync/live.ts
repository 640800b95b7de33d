// Live sync (protocol 1.1): the syncing tab keeps one event stream open and
// asks the engine to pull when the server says something changed, and after
// every (re)connect, since events sent while it was away are gone. A server
// without events (protocol 1) leaves the engine to poll as before; it is
// asked again now and then, so an upgraded server is noticed.
import { Backoff, type BackoffOptions } from './backoff.js';
import { readEventStream } from './event-stream.js';
import { SyncRequestError } from './http.js';
import { type SyncTimers, Timer } from './timers.js';

/**
 * - `off`: not started (a follower tab, signed out, or stopped).
 * - `probing`: asking the server which protocol it speaks.
 * - `open`: the stream is open; changes arrive as they happen.
 * - `reconnecting`: the stream ended or failed; waiting out the backoff.
 * - `unsupported`: the server has no events (protocol 1): the engine polls.
 */
export type LiveMode = 'off' | 'probing' | 'open' | 'reconnecting' | 'unsupported';

export interface LiveOptions {
  /** Reconnect delays (default 1 s doubling to 60 s, with jitter). */
  backoff?: BackoffOptions;
  /** Pull this often even while the stream is open, and ask a protocol-1 server again after this long (default 5 min). */
  pollMs?: number;
  /** No byte (not even the server's 25 s ping) for this long: the connection is taken for dead (default 70 s). */
  idleTimeoutMs?: number;
}

export interface LiveEventsOptions extends LiveOptions {
  base: string;
  fetch: typeof fetch;
  timers: SyncTimers;
  /** Pull now: `cursor` is the one the server announced, if any (undefined after a reconnect). */
  onPull(cursor: string | undefined, reason: 'event' | 'connected'): void;
  /** The server refused the token: stop and report signed-out. */
  onUnauthorized(error: SyncRequestError): void;
  onModeChange?(mode: LiveMode): void;
}

export const DEFAULT_LIVE_POLL_MS = 5 * 60_000;
/** A stream that stayed open this long was healthy: its end starts the backoff from the beginning. */
const HEALTHY_MS = 30_000;

export class LiveEvents {
  private token: string | null = null;
  private current: AbortController | undefined;
  private currentMode: LiveMode = 'off';
  /** Whether this server was seen to speak 1.1 (asked once per start). */
  private supported = false;
  private openedAt: number | undefined;
  private readonly backoff: Backoff;
  private readonly retry: Timer;
  private readonly watchdog: Timer;
  readonly pollMs: number;
  private readonly idleTimeoutMs: number;

  constructor(private readonly opts: LiveEventsOptions) {
    this.backoff = new Backoff(opts.timers.random, opts.backoff);
    this.pollMs = opts.pollMs ?? DEFAULT_LIVE_POLL_MS;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 70_000;
    this.retry = new Timer(opts.timers, () => this.run());
    this.watchdog = new Timer(opts.timers, () => this.current?.abort());
  }

  get mode(): LiveMode {
    return this.currentMode;
  }

  /** Starts (or keeps) the stream for this token; another token reconnects with it. */
  start(token: string): void {
    if (this.token === token && this.currentMode !== 'off') return;
    this.stop();
    this.token = token;
    this.supported = false;
    this.backoff.reset();
    this.run();
  }

  stop(): void {
    this.token = null;
    this.retry.cancel();
    this.watchdog.cancel();
    this.current?.abort();
    this.current = undefined;
    this.setMode('off');
  }

  /** The network is back: try at once instead of waiting out the backoff. */
  reconnectNow(): void {
    if (this.token && this.currentMode === 'reconnecting') {
      this.backoff.reset();
      this.retry.cancel();
      this.run();
    }
  }

  private run(): void {
    const token = this.token;
    if (!token) return;
    const controller = new AbortController();
    this.current = controller;
    const mine = () => this.current === controller && this.token === token;
    void this.connect(token, controller)
      .then(() => {
        if (mine()) this.retryLater(undefined);
      })
      .catch((error: unknown) => {
        if (mine()) this.onFailure(error);
      });
  }

  private async connect(token: string, controller: AbortController): Promise<void> {
    if (!this.supported) {
      this.setMode('probing');
      if (!(await this.probe(controller.signal))) {
        if (this.current === controller) this.unsupported();
        return;
      }
      this.supported = true;
    }
    this.openedAt = undefined;
    this.watchdog.schedule(this.idleTimeoutMs);
    try {
      await readEventStream({
        base: this.opts.base,
        token,
        fetch: this.opts.fetch,
        now: this.opts.timers.now,
        signal: controller.signal,
        onOpen: () => {
          this.openedAt = this.opts.timers.now();
          this.setMode('open');
          this.opts.onPull(undefined, 'connected');
        },
        onChange: (cursor) => this.opts.onPull(cursor, 'event'),
        onActivity: () => this.watchdog.schedule(this.idleTimeoutMs),
      });
    } finally {
      if (this.current === controller) this.watchdog.cancel();
    }
  }

  /** Whether the server speaks protocol 1.1 or later (its health says so). */
  private async probe(signal: AbortSignal): Promise<boolean> {
    let response: Response;
    try {
      response = await this.opts.fetch(`${this.opts.base}/v1/health`, {
        headers: { accept: 'application/json' },
        signal,
      });
    } catch (cause) {
      throw new SyncRequestError(
        'network-error',
        `Could not reach ${this.opts.base}.`,
        undefined,
        undefined,
        {
          cause,
        },
      );
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new SyncRequestError(
        response.status >= 500 ? 'server-error' : 'request-refused',
        `The health check of ${this.opts.base} answered HTTP ${response.status}.`,
        response.status,
      );
    }
    const health = (await response.json().catch(() => ({}))) as { protocol?: unknown };
    return typeof health.protocol === 'string' && protocolAtLeast(health.protocol, 1, 1);
  }

  private onFailure(error: unknown): void {
    if (error instanceof SyncRequestError) {
      if (error.code === 'unauthorized') {
        const token = this.token;
        this.stop();
        if (token) this.opts.onUnauthorized(error);
        return;
      }
      // A server that answers 404 (or not an event stream) has no events: poll instead.
      if (error.status === 404 || error.status === 405 || error.status === 501) {
        this.unsupported();
        return;
      }
    }
    this.retryLater(error instanceof SyncRequestError ? error.retryAfterMs : undefined);
  }

  private retryLater(retryAfterMs: number | undefined): void {
    this.current = undefined;
    const opened = this.openedAt;
    if (opened !== undefined && this.opts.timers.now() - opened >= HEALTHY_MS) this.backoff.reset();
    this.openedAt = undefined;
    this.setMode('reconnecting');
    this.retry.schedule(this.backoff.fail(retryAfterMs));
  }

  private unsupported(): void {
    this.current = undefined;
    this.supported = false;
    this.setMode('unsupported');
    this.retry.schedule(this.pollMs);
  }

  private setMode(mode: LiveMode): void {
    if (mode === this.currentMode) return;
    this.currentMode = mode;
    this.opts.onModeChange?.(mode);
  }
}

/** Whether a protocol version such as '1.1' or '2' is at least major.minor. */
export function protocolAtLeast(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(version.trim());
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2] ?? 0)];
  return a > major || (a === major && b >= minor);
}
