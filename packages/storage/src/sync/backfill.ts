// A fresh device's history download, after the conversation list
// (bootstrap.ts): the queued conversations' messages, many conversations per
// request (POST /v1/sync/messages), with several requests in flight at once
// over disjoint lists of conversations (the server answers one while the
// device writes another), and the main thread given back between writes.
// Writes go one at a time. The progress (what is left) is stored in the
// transaction of the write that completes a conversation and lists every
// conversation not yet written to the end, those in flight included, so a
// reload resumes with exactly the conversations not yet complete; a
// conversation cut off mid-way is fetched again, and the greatest stamp wins
// wherever a record also came by pull.
//
// `prioritize` moves a conversation to the front (the open one, the one the
// user clicks) and fetches it at once on a request of its own, in parallel
// with the download, which sends and writes nothing new meanwhile; its write
// goes ahead of every download write still waiting, so a click never waits
// behind the download's answers.
import type { ServerRecordChange, SyncSource } from '../types.js';
import { BackfillQueue } from './backfill-queue.js';
import { type MessagesReadResponse, type SyncClient, SyncRequestError } from './http.js';
import { parseRemoteChangesInSlices } from './protocol.js';
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
  /**
   * Records per transaction (default 1000, a whole answer). A conversation
   * opened meanwhile is written between two of them, so it waits for one at
   * most. In the benchmark (a conversation's latest 200 messages fetched
   * first), two runs with writes of 1,000 took the download to 1.15x and
   * 1.17x the write floor, clicks shown in 0.31-0.69 s; two with writes of
   * 500, on the same lightly loaded machine, to 1.26x, clicks in 0.19-0.41 s.
   * Smaller writes cost more in all: each has a fixed number of round trips
   * to the database and a commit.
   */
  batchSize?: number;
  /**
   * Messages in the first page of a conversation someone waits for, read
   * newest first (default 200): the latest page the app shows (50) and some
   * history above it, quick to read and write; the rest follows in pages of
   * `pageLimit`.
   */
  latestPageLimit?: number;
  /** Conversations named per request (default 64; the answer stops at `pageLimit` messages). */
  conversationsPerRequest?: number;
  /**
   * Download requests in flight at once, each over conversations of its own
   * (default 2). A conversation asked for by `prioritize` gets a request
   * beside these.
   */
  requestsInFlight?: number;
  /** Hears the progress after every write; null once the download is done (or none is under way). */
  onProgress: (progress: BackfillProgress | null) => void;
}

/** What to read next: these conversations, the first after message `after`. */
interface Read {
  conversations: string[];
  after?: string;
}

/** One answer: its records, how many of the conversations named are now complete, and where the next goes on. */
interface Page {
  changes: ServerRecordChange[];
  complete: number;
  after?: string;
}

/** The conversation a message record belongs to: named on the change (protocol 1.1) or in its data. */
function conversationOf(change: ServerRecordChange & { conversationId?: string }): string | undefined {
  if (change.conversationId !== undefined) return change.conversationId;
  const data = change.data as { conversationId?: unknown } | null;
  return typeof data?.conversationId === 'string' ? data.conversationId : undefined;
}

export class Backfill {
  private queue: BackfillQueue | undefined;
  /** Whether stored progress was read: until then nobody knows what is left. */
  private loaded: Promise<void> | undefined;
  /** Conversations asked for and not yet downloaded, last asked first. */
  private wanted: string[] = [];
  private readonly waiters = new Map<string, (() => void)[]>();
  /** Conversations being fetched on a request of their own. */
  private readonly urgent = new Set<string>();
  /** Download steps waiting for `urgent` to empty. */
  private readonly calmed: (() => void)[] = [];
  /** False once the server answered POST /v1/sync/messages with 404: one conversation per request then. */
  private manyPerRequest = true;
  private token: string | undefined;
  /** Whether a write is running; `turns` wait for it, those someone waits for first. */
  private writing = false;
  private readonly turns: { urgent: boolean; go: () => void }[] = [];

  constructor(private readonly opts: BackfillOptions) {}

  /** Whether a download is under way (known only once the progress was read). */
  get active(): boolean {
    return (this.queue?.remaining ?? 0) > 0;
  }

  /** Reads the stored progress (again at each run: a new listing, or another tab's work). */
  load(): Promise<void> {
    this.loaded = (async () => {
      const progress = await this.opts.adapter.getBootstrap();
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
   * turns false, or a request or write fails (thrown once every request in
   * flight settled; the next run resumes).
   */
  async run(token: string, shouldContinue: () => boolean): Promise<void> {
    await this.load();
    this.token = token;
    // Conversations the user asked for before the run get their own request now.
    for (const id of this.wanted) void this.fetchNow(id);
    // Conversations in some request's hands: no other request names them.
    const claimed = new Set<string>();
    let failed = false;
    const going = () => !failed && shouldContinue();
    const stream = async () => {
      let read: Read | undefined;
      while (going()) {
        const queue = this.queue;
        if (!queue || queue.remaining === 0) return;
        read ??= this.nextRead(queue, claimed);
        if (!read) return;
        for (const id of read.conversations) claimed.add(id);
        // A conversation someone waits for goes first: no new request beside its own.
        await this.calm();
        if (!going()) return;
        const page = await this.readPage(token, read);
        if (!going()) return;
        const done = read.conversations.slice(0, page.complete);
        const rest = read.conversations.slice(page.complete);
        // Conversations written meanwhile (fetched on their own) are not written again.
        const changes = page.changes.filter((c) => {
          const conversationId = conversationOf(c);
          return conversationId === undefined || queue.has(conversationId);
        });
        await this.calm();
        await this.write(queue, changes, false, done);
        for (const id of done) claimed.delete(id);
        read = rest.length > 0 ? { conversations: rest, after: page.after } : undefined;
        this.report();
        this.settleWaiters();
        await yieldToMain();
      }
    };
    const streams = Math.max(1, this.opts.requestsInFlight ?? 2);
    const ends = await Promise.allSettled(
      Array.from({ length: streams }, () =>
        stream().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    if (this.token === token) this.token = undefined;
    const failure = ends.find((end): end is PromiseRejectedResult => end.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** The next conversations to ask for, in download order, leaving out those fetched on their own or in another request. */
  private nextRead(queue: BackfillQueue, claimed: ReadonlySet<string>): Read | undefined {
    const per = this.manyPerRequest ? (this.opts.conversationsPerRequest ?? 64) : 1;
    const skip = new Set([...claimed, ...this.urgent]);
    const conversations = queue
      .upcoming(per + skip.size)
      .filter((id) => !skip.has(id))
      .slice(0, per);
    return conversations.length > 0 ? { conversations } : undefined;
  }

  /** One request: many conversations at once, or one against a server without the many-conversation read. */
  private async readPage(token: string, read: Read): Promise<Page> {
    const limit = this.opts.pageLimit ?? 1000;
    if (this.manyPerRequest) {
      let answer: MessagesReadResponse;
      try {
        answer = await this.opts.client.messagesOfMany(token, { ...read, limit });
      } catch (error) {
        if (!(error instanceof SyncRequestError && error.status === 404)) throw error;
        this.manyPerRequest = false;
        return this.readPage(token, { conversations: read.conversations.slice(0, 1), after: read.after });
      }
      if (!answer.hasMore || !answer.next)
        return { changes: answer.changes, complete: read.conversations.length };
      const at = read.conversations.indexOf(answer.next.conversationId);
      if (at < 0) {
        throw new SyncRequestError(
          'bad-response',
          `The sync server's answer to /v1/sync/messages goes on from conversation ${answer.next.conversationId}, which was not asked for. Is the server a Chatkeep server of a matching version?`,
        );
      }
      return { changes: answer.changes, complete: at, after: answer.next.after };
    }
    const conversationId = read.conversations[0]!;
    const page = await this.opts.client.conversationMessages(token, conversationId, read.after, limit);
    const last = page.changes.at(-1);
    if (!page.hasMore || !last) return { changes: page.changes, complete: 1 };
    return { changes: page.changes, complete: 0, after: last.id };
  }

  /**
   * Writes records in transactions of at most `batchSize`, the main thread
   * given back between them; newest first when someone waits for them (ids
   * follow time), so a long conversation's latest page shows after the first
   * write. The conversations `completing` leave the queue with the last
   * write, whose transaction stores the progress without them: off the
   * stored queue only once written, so a reload fetches whatever is not.
   */
  private async write(
    queue: BackfillQueue,
    changes: ServerRecordChange[],
    newestFirst: boolean,
    completing: readonly string[] = [],
  ): Promise<void> {
    const batchSize = this.opts.batchSize ?? 1000;
    const chunks: ServerRecordChange[][] = [];
    for (let i = 0; i < changes.length; i += batchSize) chunks.push(changes.slice(i, i + batchSize));
    if (newestFirst) chunks.reverse();
    const { adapter } = this.opts;
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0) await yieldToMain();
      // Checked before its turn, while another write holds the database:
      // applyRemote does not check a record twice (protocol.ts).
      const records = await parseRemoteChangesInSlices(chunk, undefined, yieldToMain);
      const last = i === chunks.length - 1;
      await this.inTurn(newestFirst, async () => {
        if (!last || completing.length === 0) {
          await adapter.applyRemote(records);
          return;
        }
        // Read in the turn: every write before this one has taken its conversations off.
        await adapter.applyRemote(records, undefined, { progress: queue.progress(completing) });
        queue.complete(completing);
      });
    }
    // Nothing left to write (all of it came by other requests): the progress alone.
    if (chunks.length === 0 && completing.length > 0) {
      await this.inTurn(newestFirst, async () => {
        await adapter.setBootstrap(queue.progress(completing));
        queue.complete(completing);
      });
    }
  }

  /**
   * Runs one write when no other is running. Writes someone waits for
   * (`urgent`) go before every download write still waiting: IndexedDB would
   * run them in the order they began, behind every answer already received.
   */
  private async inTurn<T>(urgent: boolean, work: () => Promise<T>): Promise<T> {
    if (this.writing) {
      await new Promise<void>((go) => {
        const at = urgent ? this.turns.findIndex((turn) => !turn.urgent) : -1;
        this.turns.splice(at < 0 ? this.turns.length : at, 0, { urgent, go });
      });
    }
    this.writing = true;
    try {
      return await work();
    } finally {
      // The reads this write set off (the open conversation's page, the
      // sidebar) begin before the next write, not behind it.
      await yieldToMain();
      const next = this.turns.shift();
      // Handed on: the next write holds the turn.
      if (next) next.go();
      else this.writing = false;
    }
  }

  /**
   * Fetches one conversation on requests of its own, beside the download,
   * latest messages first: its latest page is written as soon as it arrives,
   * then the older ones, page by page. A failure leaves it queued, first in
   * line for the download; it leaves the queue only once all of it is written.
   */
  private async fetchNow(conversationId: string): Promise<void> {
    const token = this.token;
    const queue = this.queue;
    if (!token || !queue?.has(conversationId) || this.urgent.has(conversationId)) return;
    this.urgent.add(conversationId);
    try {
      if (!(await this.fetchLatestFirst(token, queue, conversationId))) return;
      this.report();
      this.settleWaiters();
    } catch {
      // Left queued, at the front: the download brings it.
    } finally {
      this.urgent.delete(conversationId);
      if (this.urgent.size === 0) for (const go of this.calmed.splice(0)) go();
    }
  }

  /**
   * Reads and writes every message of one conversation, newest first; false
   * when it was written meanwhile (or the download restarted). Against a
   * server without the newest-first read the answer comes by ascending id:
   * then the whole conversation is read before it is written, newest first.
   */
  private async fetchLatestFirst(
    token: string,
    queue: BackfillQueue,
    conversationId: string,
  ): Promise<boolean> {
    const stillQueued = () => this.queue === queue && queue.has(conversationId);
    const limit = this.opts.pageLimit ?? 1000;
    let page = await this.opts.client.latestMessages(
      token,
      conversationId,
      undefined,
      this.opts.latestPageLimit ?? 200,
    );
    if (page.order !== 'newest') {
      const changes = [...page.changes];
      let after = page.goOn;
      while (page.hasMore && after !== undefined) {
        const next = await this.readPage(token, { conversations: [conversationId], after });
        changes.push(...next.changes);
        if (next.complete === 1) break;
        after = next.after;
      }
      if (!stillQueued()) return false;
      await this.write(queue, changes, true, [conversationId]);
      return true;
    }
    for (;;) {
      if (!stillQueued()) return false;
      const more = page.hasMore && page.goOn !== undefined;
      // Written in id order within the page: the page itself is the newest part.
      await this.write(queue, [...page.changes].reverse(), true, more ? [] : [conversationId]);
      if (!more) return true;
      page = await this.opts.client.latestMessages(token, conversationId, page.goOn, limit);
    }
  }

  /** Resolves once no conversation someone waits for is being fetched (the download pauses meanwhile). */
  private calm(): Promise<void> {
    if (this.urgent.size === 0) return Promise.resolve();
    return new Promise((go) => this.calmed.push(go));
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
    const downloaded = new Promise<void>((resolve) => {
      const list = this.waiters.get(conversationId) ?? [];
      list.push(resolve);
      this.waiters.set(conversationId, list);
    });
    void this.fetchNow(conversationId);
    await downloaded;
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
