// Commit notices between instances sharing one PostgreSQL database. A push
// calls pg_notify inside its transaction, so PostgreSQL delivers the notice
// only once the push has committed, to every listening instance. Each process
// listens on ONE dedicated connection (a pooled one could be handed to a
// query and miss notices); when that connection drops, it reconnects with a
// growing delay and tells listeners to resync, since notices sent meanwhile
// are lost.
import pg from 'pg';
import type { ChangeNotice } from './types.js';

export const CHANGE_CHANNEL = 'chatkeep_changes';
/** The listening connection's application_name, to tell it apart in pg_stat_activity. */
export const LISTENER_NAME = 'chatkeep-listener';

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

/** The notice payload: short keys keep it far below NOTIFY's 8000-byte limit. */
export function changePayload(userId: string, version: number): string {
  return JSON.stringify({ u: userId, v: version });
}

export class PgChangeListener {
  private client: pg.Client | undefined;
  private readonly listeners = new Set<(notice: ChangeNotice) => void>();
  private closed = false;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Connects the first time; a failure here is the caller's (the server does not start). */
  async start(): Promise<void> {
    await this.connect();
  }

  on(listener: (notice: ChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(notice: ChangeNotice): void {
    for (const listener of this.listeners) listener(notice);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...this.config, application_name: LISTENER_NAME });
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      // Anything else on the channel (another program's NOTIFY) is ignored, never thrown from here.
      let notice: { u?: unknown; v?: unknown } = {};
      try {
        notice = JSON.parse(message.payload);
      } catch {}
      if (typeof notice.u === 'string' && typeof notice.v === 'number') {
        this.emit({ userId: notice.u, version: notice.v });
      }
    });
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (this.closed) return;
      this.log(`change notices: connection lost (${why}); reconnecting`);
      this.scheduleReconnect();
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('closed by the server'));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
  }

  private scheduleReconnect(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().then(
        () => {
          this.retryMs = RETRY_FIRST_MS;
          // Notices committed while disconnected were never delivered here.
          if (!this.closed) this.emit({ resync: true });
        },
        (error: Error) => {
          this.log(`change notices: reconnect failed (${error.message})`);
          this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
          if (!this.closed) this.scheduleReconnect();
        },
      );
    }, this.retryMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }
}
