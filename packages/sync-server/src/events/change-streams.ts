// Live change events (GET /v1/sync/events): the open streams of this
// process, fed by the store's commit notices (the process itself on SQLite,
// LISTEN/NOTIFY from every instance on PostgreSQL). Nothing runs per stream:
// one timer sends the pings of every stream and one checks every stream's
// session, and both run only while some stream is open.
import { HttpError } from '../errors.js';
import type { ChangeNotice, SyncStore } from '../store/types.js';
import { encodeCursor } from '../sync/cursor.js';

/** One open event stream, as the route gives it. */
export interface EventStream {
  readonly userId: string;
  readonly sessionId: string;
  /** Writes SSE text; a stream whose client has gone may drop it. */
  write(text: string): void;
  /** Ends the response. */
  end(): void;
}

export interface ChangeStreamOptions {
  /** Open streams per user on this instance; the next one is 429. */
  maxPerUser: number;
  /** A `: ping` comment this often keeps proxies from closing idle streams. */
  pingMs: number;
  /** How often the sessions of open streams are checked: a stream ends this soon after logout or expiry. */
  sessionCheckMs: number;
}

export const DEFAULT_CHANGE_STREAMS: ChangeStreamOptions = {
  maxPerUser: 10,
  pingMs: 25_000,
  sessionCheckMs: 2_000,
};

export function changeEvent(version: number): string {
  return `event: change\ndata: ${JSON.stringify({ cursor: encodeCursor(version) })}\n\n`;
}

export class ChangeStreams {
  private readonly byUser = new Map<string, Set<EventStream>>();
  private readonly stopListening: () => void;
  private pingTimer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly store: SyncStore,
    /** Which of these session ids are still live (not logged out, not expired). */
    private readonly liveSessions: (ids: string[]) => Promise<Set<string>>,
    private readonly opts: ChangeStreamOptions = DEFAULT_CHANGE_STREAMS,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.stopListening = store.onChange((notice) => this.deliver(notice));
  }

  /** The number of open streams (of one user, or of all). */
  count(userId?: string): number {
    if (userId !== undefined) return this.byUser.get(userId)?.size ?? 0;
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /** Registers a stream; throws a 429 HttpError when its user has the most open already. */
  add(stream: EventStream): void {
    const set = this.byUser.get(stream.userId) ?? new Set();
    if (set.size >= this.opts.maxPerUser) {
      throw new HttpError(
        429,
        'too-many-streams',
        `You have ${set.size} event streams open, the most allowed; close one (a tab or device) before opening another.`,
        { 'Retry-After': '5' },
      );
    }
    set.add(stream);
    this.byUser.set(stream.userId, set);
    this.startTimers();
  }

  /** Forgets a stream whose client went away (or that was ended here). */
  remove(stream: EventStream): void {
    const set = this.byUser.get(stream.userId);
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.byUser.delete(stream.userId);
    if (this.byUser.size === 0) this.stopTimers();
  }

  private deliver(notice: ChangeNotice): void {
    if ('userId' in notice) {
      const event = changeEvent(notice.version);
      for (const stream of this.byUser.get(notice.userId) ?? []) stream.write(event);
      return;
    }
    // Notices may have been lost: tell every user with a stream where they stand.
    for (const [userId, set] of this.byUser) {
      this.store.maxVersion(userId).then(
        (version) => {
          if (version === 0) return;
          const event = changeEvent(version);
          for (const stream of set) stream.write(event);
        },
        (error: Error) => this.log(`event streams: resync failed (${error.message})`),
      );
    }
  }

  private startTimers(): void {
    this.pingTimer ??= setInterval(() => this.pingAll(), this.opts.pingMs).unref();
    this.checkTimer ??= setInterval(() => void this.checkSessions(), this.opts.sessionCheckMs).unref();
  }

  private stopTimers(): void {
    clearInterval(this.pingTimer);
    clearInterval(this.checkTimer);
    this.pingTimer = this.checkTimer = undefined;
  }

  private pingAll(): void {
    for (const set of this.byUser.values()) for (const stream of set) stream.write(': ping\n\n');
  }

  /** One query for all open streams: those whose session ended (logout, expiry, removal) end. */
  private async checkSessions(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const streams = [...this.byUser.values()].flatMap((set) => [...set]);
      if (streams.length === 0) return;
      const live = await this.liveSessions([...new Set(streams.map((s) => s.sessionId))]);
      for (const stream of streams) {
        if (live.has(stream.sessionId)) continue;
        this.remove(stream);
        stream.end();
      }
    } catch (error) {
      this.log(`event streams: session check failed (${(error as Error).message})`);
    } finally {
      this.checking = false;
    }
  }

  /** Ends every stream (server shutdown) and stops listening. */
  close(): void {
    this.stopListening();
    for (const set of [...this.byUser.values()]) {
      for (const stream of [...set]) {
        this.remove(stream);
        stream.end();
      }
    }
    this.stopTimers();
  }
}
