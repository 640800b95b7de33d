// A fresh device's history download, after the conversation list
// (bootstrap.ts): each queued conversation's message pages, a few
// conversations fetched ahead while earlier ones are written, in large
// transactions with the main thread given back between them. The progress
// (what is left) is stored after every batch, so a reload resumes with the
// conversations not yet written; a batch cut off is fetched again, and the
// greatest stamp wins wherever a record also came by pull.
//
// `prioritize` moves a conversation to the front (the open one, the one the
// user clicks) and fetches it at once, ahead of the requests already waiting.
import type { ServerRecordChange, SyncSource } from '../types.js';
import { BackfillQueue } from './backfill-queue.js';
import type { SyncClient } from './http.js';
import { yieldToMain } from './yield.js';

/** How far the download got, for the status line. */
export interface BackfillProgress {
  /** Conversations whose messages are all on this device. */
  done: number;
  total: number;
}

const count = new Intl.NumberFormat('en-US');

/** The status line of a download under way, e.g. "Downloading history: 412 of 1,001 conversations". */
export function describeBackfill(progress: BackfillProgress): string {
  const noun = progress.total === 1 ? 'conversation' : 'conversations';
  return `Downloading history: ${count.format(progress.done)} of ${count.format(progress.total)} ${noun}`;
}

export interface BackfillOptions {
  adapter: SyncSource;
  client: SyncClient;
  /** Messages per request (default 1000, the server maximum). */
  pageLimit?: number;
  /** Records per transaction (default 1000). */
  batchSize?: number;
  /** Conversations fetched ahead of the one being written (default 32). */
  lookahead?: number;
  /**
   * Requests in flight at once (default 6, a browser's connections per host
   * over HTTP/1.1). A request per conversation makes the download bound by
   * latency, not bytes, on a busy machine or a slow link: more in flight helps.
   */
  parallel?: number;
  /** Hears the progress after every batch; null once the download is done (or none is under way). */
  onProgress: (progress: BackfillProgress | null) => void;
}

interface Fetched {
  done: Promise<ServerRecordChange[]>;
  changes?: ServerRecordChange[];
}

export class Backfill {
  private queue: BackfillQueue | undefined;
  /** Whether stored progress was read: until then nobody knows what is left. */
  private loaded: Promise<void> | undefined;
  /** Conversations asked for and not yet downloaded, last asked first. */
  private wanted: string[] = [];
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly fetched = new Map<string, Fetched>();
  /** A batch being gathered, waiting for a slow conversation, hears of a new priority here. */
  private readonly onAsk: (() => void)[] = [];
  private readonly slots: Slots;
  private token: string | undefined;

  constructor(private readonly opts: BackfillOptions) {
    this.slots = new Slots(opts.parallel ?? 6);
  }

  /** Whether a download is under way (known only once the progress was read). */
  get active(): boolean {
    return (this.queue?.remaining ?? 0) > 0;
  }

  /** Reads the stored progress (again at each run: a new listing, or another tab's work). */
  load(): Promise<void> {
    this.loaded = (async () => {
      const progress = await this.opts.adapter.getBootstrap();
      this.fetched.clear();
      this.queue = progress?.stage === 'messages' ? new BackfillQueue(progress) : undefined;
      // Asked-for conversations keep their place in front, the last asked first.
      for (const id of [...this.wanted].reverse()) this.queue?.prioritize(id);
      this.report();
      this.settleWaiters();
    })();
    return this.loaded;
  }

  /**
   * Downloads until every queued conversation is written, `shouldContinue`
   * turns false, or a request or write fails (thrown; the next run resumes).
   */
  async run(token: string, shouldContinue: () => boolean): Promise<void> {
    await this.load();
    this.token = token;
    const batchSize = this.opts.batchSize ?? 1000;
    const lookahead = this.opts.lookahead ?? 32;
    try {
      while (shouldContinue()) {
        const queue = this.queue;
        if (!queue || queue.remaining === 0) break;
        for (const id of queue.upcoming(lookahead)) this.fetch(id, false);
        const { ids, changes } = await this.gather(queue, lookahead, batchSize);
        if (!shouldContinue()) break;
        // One write for the batch (it passes batchSize by at most one conversation);
        // a conversation of several thousand messages goes in writes of batchSize.
        const chunks: ServerRecordChange[][] = [];
        if (changes.length <= 2 * batchSize) chunks.push(changes);
        else for (let i = 0; i < changes.length; i += batchSize) chunks.push(changes.slice(i, i + batchSize));
        // Someone waits for this conversation and it takes several writes: its
        // newest messages first (ids follow time), so its latest page shows
        // after the first one. It leaves the queue only once all are written.
        if (ids.length === 1 && this.waiters.has(ids[0]!)) chunks.reverse();
        for (const chunk of chunks) {
          await this.opts.adapter.applyRemote(chunk);
          await yieldToMain();
        }
        queue.complete(ids);
        for (const id of ids) this.fetched.delete(id);
        await this.opts.adapter.setBootstrap(queue.progress());
        this.report();
        this.settleWaiters();
      }
    } finally {
      // Fetches of a stopped run are not reused: a new token or account may follow.
      this.fetched.clear();
      this.token = undefined;
    }
  }

  /**
   * Whole conversations from the front of the queue, in order, until a batch
   * is full: waiting for each to arrive, so that a slow link still gives few
   * large writes. A conversation someone waits for goes alone and at once,
   * and one asked for meanwhile cuts the wait short.
   */
  private async gather(
    queue: BackfillQueue,
    lookahead: number,
    batchSize: number,
  ): Promise<{ ids: string[]; changes: ServerRecordChange[] }> {
    const ids: string[] = [];
    const changes: ServerRecordChange[] = [];
    for (const id of queue.upcoming(lookahead)) {
      const waitedFor = this.waiters.has(id);
      if (ids.length > 0 && waitedFor) break;
      const entry = this.fetch(id, false);
      if (!entry.changes) {
        if (ids.length === 0) await entry.done;
        else if (await Promise.race([entry.done.then(() => false), this.asked().then(() => true)])) break;
      }
      ids.push(id);
      for (const change of entry.changes ?? (await entry.done)) changes.push(change);
      if (waitedFor || changes.length >= batchSize) break;
    }
    // The races are over: their listeners are not needed any more.
    this.onAsk.length = 0;
    return { ids, changes };
  }

  /** Resolves at the next `prioritize` of a queued conversation. */
  private asked(): Promise<void> {
    return new Promise((resolve) => {
      this.onAsk.push(resolve);
    });
  }

  /**
   * Moves a conversation to the front of the download and resolves once its
   * messages are on this device (at once when they already are).
   */
  async prioritize(conversationId: string): Promise<void> {
    await (this.loaded ?? this.load());
    const queue = this.queue;
    if (!queue?.prioritize(conversationId)) return;
    this.wanted = [conversationId, ...this.wanted.filter((id) => id !== conversationId)];
    for (const wake of this.onAsk.splice(0)) wake();
    // Fetched now, ahead of the requests already waiting for a slot.
    if (this.token) this.fetch(conversationId, true);
    await new Promise<void>((resolve) => {
      const list = this.waiters.get(conversationId) ?? [];
      list.push(resolve);
      this.waiters.set(conversationId, list);
    });
  }

  /** Whether this conversation's messages are still to download. */
  isQueued(conversationId: string): boolean {
    return this.queue?.has(conversationId) ?? false;
  }

  /** Resolves every waiter, e.g. when the engine stops or signs out. */
  release(): void {
    const all = [...this.waiters.values()].flat();
    this.waiters.clear();
    for (const resolve of all) resolve();
  }

  private fetch(conversationId: string, urgent: boolean): Fetched {
    const existing = this.fetched.get(conversationId);
    if (existing) return existing;
    const entry: Fetched = { done: this.fetchAll(conversationId, urgent) };
    entry.done.then(
      (changes) => {
        entry.changes = changes;
      },
      () => {
        // A failed fetch is fetched again by the next run.
        if (this.fetched.get(conversationId) === entry) this.fetched.delete(conversationId);
      },
    );
    this.fetched.set(conversationId, entry);
    return entry;
  }

  /** Every message page of one conversation. */
  private async fetchAll(conversationId: string, urgent: boolean): Promise<ServerRecordChange[]> {
    const token = this.token;
    if (!token) throw new Error('the download is not running');
    const limit = this.opts.pageLimit ?? 1000;
    const changes: ServerRecordChange[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.slots.run(urgent, () =>
        this.opts.client.conversationMessages(token, conversationId, after, limit),
      );
      for (const change of page.changes) changes.push(change);
      if (!page.hasMore || page.changes.length === 0) return changes;
      after = page.changes[page.changes.length - 1]!.id;
    }
  }

  private report(): void {
    const queue = this.queue;
    this.opts.onProgress(queue && queue.remaining > 0 ? { done: queue.done, total: queue.total } : null);
  }

  private settleWaiters(): void {
    this.wanted = this.wanted.filter((id) => this.queue?.has(id));
    for (const [id, list] of [...this.waiters]) {
      if (this.queue?.has(id)) continue;
      this.waiters.delete(id);
      for (const resolve of list) resolve();
    }
  }
}

/**
 * At most `size` tasks at once. Background tasks leave one slot free, so an
 * urgent one (a conversation just opened) starts at once; urgent ones also
 * go before any background task waiting.
 */
class Slots {
  private busy = 0;
  private readonly waiting: { urgent: boolean; start: () => void }[] = [];

  constructor(private readonly size: number) {}

  async run<T>(urgent: boolean, task: () => Promise<T>): Promise<T> {
    if (this.busy < this.limit(urgent)) this.busy += 1;
    else {
      await new Promise<void>((start) => {
        if (urgent) this.waiting.unshift({ urgent, start });
        else this.waiting.push({ urgent, start });
      });
    }
    try {
      return await task();
    } finally {
      this.busy -= 1;
      this.wake();
    }
  }

  private limit(urgent: boolean): number {
    return urgent ? this.size : Math.max(1, this.size - 1);
  }

  /** Starts the next waiting task if it fits; its slot is taken here, before it runs. */
  private wake(): void {
    const next = this.waiting[0];
    if (!next || this.busy >= this.limit(next.urgent)) return;
    this.waiting.shift();
    this.busy += 1;
    next.start();
  }
}
