// Saves one streaming assistant message as it grows, so that a crash, a
// closed tab or a lost network loses at most ~100 ms of text. The message is
// saved as `pending` before the first token, text at least every
// `intervalMs` or `maxChars`, tool calls at once, and always on the end.
import type { ChatStorageAdapter, Message, MessageMetadata, ToolCall } from '@chatkeep/storage';

export interface StreamWriterOptions {
  storage: Pick<ChatStorageAdapter, 'saveMessage' | 'updateMessage'>;
  id: string;
  conversationId: string;
  projectId: string;
  metadata?: MessageMetadata;
  intervalMs?: number;
  maxChars?: number;
  /** Injected in tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Called when a save fails (for example quota-exceeded); the stream should stop. */
  onSaveError?: (error: unknown) => void;
}

type Final = 'complete' | 'error' | 'interrupted';

export class StreamWriter {
  readonly id: string;
  private text = '';
  private savedLength = 0;
  private toolCalls: ToolCall[] = [];
  private metadata: MessageMetadata;
  private timer: unknown;
  private chain: Promise<unknown> = Promise.resolve();
  private ended = false;
  private started = false;
  private failed: unknown;
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

  /** The tool calls received so far. */
  get calls(): readonly ToolCall[] {
    return this.toolCalls;
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
    this.started = true;
    return this.enqueue(() =>
      this.opts.storage.saveMessage({
        id: this.id,
        conversationId: this.opts.conversationId,
        projectId: this.opts.projectId,
        role: 'assistant',
        content: '',
        status: 'pending',
        metadata: this.metadata,
      }),
    );
  }

  appendText(delta: string): void {
    if (this.ended || !delta) return;
    this.text += delta;
    if (this.text.length - this.savedLength >= this.maxChars) {
      void this.flush();
    } else if (this.timer === undefined) {
      this.timer = this.setTimer(() => {
        this.timer = undefined;
        void this.flush();
      }, this.intervalMs);
    }
  }

  /** A complete tool call: saved at once, together with the text so far. */
  addToolCall(call: ToolCall): Promise<void> {
    if (this.ended) return this.chain.then(() => undefined);
    this.toolCalls = [...this.toolCalls, call];
    return this.flush();
  }

  setMetadata(patch: MessageMetadata): void {
    this.metadata = { ...this.metadata, ...patch };
  }

  /** Saves whatever is not saved yet, as `streaming`. Safe to call at any time (pagehide). */
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
    return this.saveAs(status);
  }

  /** Queues a save of everything received so far, taken now (later text waits for the next save). */
  private saveAs(status: 'streaming' | Final): Promise<void> {
    const content = this.text;
    const toolCalls = this.toolCalls;
    const metadata = this.metadata;
    this.savedLength = content.length;
    return this.enqueue(() =>
      this.opts.storage.updateMessage(this.id, {
        content,
        status,
        ...(toolCalls.length ? { toolCalls } : {}),
        metadata,
      }),
    );
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
        this.opts.onSaveError?.(error);
      }
    });
    this.chain = next;
    return next;
  }
}
