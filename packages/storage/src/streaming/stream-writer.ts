// Saves one streaming assistant message as it grows, so that a crash, a
// closed tab or a lost network loses at most ~100 ms of it. The message is
// saved as `pending` before the first token; text and the arguments of tool
// calls still arriving at least every `intervalMs` or `maxChars`; a tool
// call at once when it is whole; what is buffered when the page is hidden;
// and always on the end (finish, error, Stop).
import type { ChatStorageAdapter, Message, MessageMetadata, ToolCall } from '../types.js';
import { onPageHide, type PageHideSource } from './page-hide.js';

export interface StreamWriterOptions {
  storage: Pick<ChatStorageAdapter, 'saveMessage' | 'updateMessage'>;
  id: string;
  conversationId: string;
  projectId: string;
  /**
   * The message the answer follows: the question for a new answer or a
   * regenerated one (a sibling, that is a new version). The answer stays
   * there even if the user switches versions while it streams. Left out,
   * it follows the active leaf as it is when `start()` runs.
   */
  parentId?: string | null;
  metadata?: MessageMetadata;
  /** Longest time received text waits to be saved (default 100 ms). */
  intervalMs?: number;
  /** Characters that are saved at once, without waiting for the timer (default 100). */
  maxChars?: number;
  /**
   * The page whose hiding saves what is buffered, between `start()` and the
   * end: pass `window` in a browser. Left out, nothing is listened to.
   */
  pageHide?: PageHideSource;
  /** Injected in tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Called when a save fails (for example quota-exceeded); the stream should stop. */
  onSaveError?: (error: unknown) => void;
}

type Final = 'complete' | 'error' | 'interrupted';

/** A tool call still arriving: its id, its name and the arguments text so far. */
export interface PartialToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One tool call of the message, in the order the assistant sent them. */
interface CallSlot {
  call: ToolCall;
  /** The assistant's index for a call streamed in pieces. */
  index?: number;
  whole: boolean;
}

export class StreamWriter {
  readonly id: string;
  private text = '';
  /** Characters (text and tool-call arguments) received since the last save. */
  private unsaved = 0;
  private slots: CallSlot[] = [];
  private metadata: MessageMetadata;
  private timer: unknown;
  private chain: Promise<unknown> = Promise.resolve();
  private ended = false;
  private started = false;
  private failed: unknown;
  private stopListening?: () => void;
  private readonly intervalMs: number;
  private readonly maxChars: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: StreamWriterOptions) {
    this.id = opts.id;
    this.metadata = { ...opts.metadata };
    this.intervalMs = opts.intervalMs ?? 100;
    this.maxChars = opts.maxChars ?? 100;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get content(): string {
    return this.text;
  }

  /** The whole tool calls received so far: the ones to run. */
  get calls(): readonly ToolCall[] {
    return this.slots.filter((s) => s.whole).map((s) => s.call);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The first save failure, if any. */
  get saveError(): unknown {
    return this.failed;
  }

  /** Saves the empty `pending` message; resolves once it is committed. */
  start(): Promise<void> {
    if (this.started) return this.chain.then(() => undefined);
    this.started = true;
    if (this.opts.pageHide) this.stopListening = onPageHide(this.opts.pageHide, () => void this.flush());
    return this.enqueue(() =>
      this.opts.storage.saveMessage({
        id: this.id,
        conversationId: this.opts.conversationId,
        projectId: this.opts.projectId,
        role: 'assistant',
        content: '',
        status: 'pending',
        metadata: this.metadata,
        ...(this.opts.parentId !== undefined ? { parentId: this.opts.parentId } : {}),
      }),
    );
  }

  appendText(delta: string): void {
    if (this.ended || !delta) return;
    this.text += delta;
    this.grew(delta.length);
  }

  /**
   * A tool call still arriving, as it stands after its latest delta (the
   * arguments text so far). Saved like text: batched, never lost on an end
   * or a flush. `index` names the call until it is whole.
   */
  updateToolCall(index: number, partial: PartialToolCall): void {
    if (this.ended) return;
    const at = this.slots.findIndex((s) => s.index === index && !s.whole);
    const before = at >= 0 ? (this.slots[at]!.call as PartialToolCall) : undefined;
    if (
      before &&
      before.id === partial.id &&
      before.name === partial.name &&
      before.arguments === partial.arguments
    ) {
      return;
    }
    const slot: CallSlot = { call: { ...partial }, index, whole: false };
    this.slots = at >= 0 ? this.slots.map((s, i) => (i === at ? slot : s)) : [...this.slots, slot];
    const size = (c: PartialToolCall | undefined) => (c ? c.name.length + c.arguments.length : 0);
    // An id or a name alone still deserves a save, even if no character was added.
    this.grew(Math.max(1, size(partial) - size(before)));
  }

  /**
   * A whole tool call: saved at once, together with everything received so
   * far. With `index` it takes the place of the call streamed under it.
   */
  addToolCall(call: ToolCall, index?: number): Promise<void> {
    if (this.ended) return this.chain.then(() => undefined);
    const slot: CallSlot = { call, whole: true };
    const at = index === undefined ? -1 : this.slots.findIndex((s) => s.index === index && !s.whole);
    this.slots = at >= 0 ? this.slots.map((s, i) => (i === at ? slot : s)) : [...this.slots, slot];
    return this.flush();
  }

  setMetadata(patch: MessageMetadata): void {
    this.metadata = { ...this.metadata, ...patch };
  }

  /** Saves whatever is not saved yet, as `streaming`. Safe to call at any time. */
  flush(): Promise<void> {
    if (this.ended || !this.started) return this.chain.then(() => undefined);
    this.cancelTimer();
    return this.saveAs('streaming');
  }

  /** Resolves when every write asked for so far has committed (or failed). */
  settled(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  finish(): Promise<void> {
    return this.end('complete');
  }

  fail(message: string): Promise<void> {
    this.metadata = { ...this.metadata, error: message };
    return this.end('error');
  }

  /** The user pressed Stop: the partial answer is kept and can be retried. */
  stop(): Promise<void> {
    this.metadata = { ...this.metadata, stopped: true };
    return this.end('interrupted');
  }

  private end(status: Final): Promise<void> {
    if (this.ended) return this.chain.then(() => undefined);
    this.ended = true;
    this.cancelTimer();
    this.detach();
    return this.saveAs(status);
  }

  /** Saves once `maxChars` have gathered, else when the timer fires. */
  private grew(chars: number): void {
    this.unsaved += chars;
    if (this.unsaved >= this.maxChars) {
      void this.flush();
    } else if (this.timer === undefined) {
      this.timer = this.setTimer(() => {
        this.timer = undefined;
        void this.flush();
      }, this.intervalMs);
    }
  }

  /** Queues a save of everything received so far, taken now (later text waits for the next save). */
  private saveAs(status: 'streaming' | Final): Promise<void> {
    const content = this.text;
    // A call whose id or name has not arrived yet cannot be stored; it is saved once they have.
    const toolCalls = this.slots.filter((s) => s.whole || (s.call.id && s.call.name)).map((s) => s.call);
    const metadata = this.metadata;
    this.unsaved = 0;
    return this.enqueue(() =>
      this.opts.storage.updateMessage(this.id, {
        content,
        status,
        ...(toolCalls.length ? { toolCalls } : {}),
        metadata,
      }),
    );
  }

  private detach(): void {
    this.stopListening?.();
    this.stopListening = undefined;
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clearTimer(this.timer);
      this.timer = undefined;
    }
  }

  /** Writes run one after another so a slow save never lands after a newer one. */
  private enqueue(write: () => Promise<Message>): Promise<void> {
    const next = this.chain.then(async () => {
      if (this.failed) return;
      try {
        await write();
      } catch (error) {
        this.failed = error;
        // Nothing more will be written: no reason to keep listening to the page.
        this.detach();
        this.opts.onSaveError?.(error);
      }
    });
    this.chain = next;
    return next;
  }
}
