// The chat loop, free of React: save the user's message, then let the
// assistant answer step by step (text, tool calls, tool results), saving
// every part as it arrives through a StreamWriter.
import {
  type ChatStorageAdapter,
  type Message,
  newId,
  type StreamLocks,
  StreamWriter,
  type StreamWriterOptions,
} from '@chatkeep/storage';
import { EndpointUnreachableError } from '../assistants/errors.js';
import { runTool } from '../assistants/tools.js';
import type { Assistant } from '../assistants/types.js';
import { titleFromMessage } from './title.js';

export interface TurnOptions {
  storage: ChatStorageAdapter;
  locks: StreamLocks;
  assistant: Assistant;
  conversationId: string;
  projectId: string;
  signal: AbortSignal;
  /**
   * The message the answer follows: the question, or the parent of the
   * answer being regenerated. Left out, the answer follows the active leaf.
   * The answer keeps saving under it even when the user switches to
   * another version meanwhile.
   */
  parentId?: string | null;
  /** How many messages of the branch the assistant is sent (the newest ones). */
  contextMessages?: number;
  /**
   * When the endpoint cannot be reached at all, end with `unreachable` and
   * keep no failed answer (the caller queues the question) instead of an error.
   */
  queueWhenUnreachable?: boolean;
  /** Tool round trips allowed in one answer. */
  maxSteps?: number;
  /** Timing, and the page whose hiding saves what is buffered (`window` in the app). */
  writerOptions?: Pick<
    StreamWriterOptions,
    'intervalMs' | 'maxChars' | 'setTimer' | 'clearTimer' | 'pageHide'
  >;
}

export type TurnOutcome =
  | { status: 'complete' }
  | { status: 'stopped' }
  | { status: 'error'; error: string }
  /**
   * The endpoint could not be reached before anything arrived: no answer is
   * kept, and the question can wait for the network.
   */
  | { status: 'unreachable'; error: string }
  /** The answer could not be saved (for example the disk is full). */
  | { status: 'not-saved'; error: unknown };

/** How many earlier messages are sent along as context unless told otherwise. */
const CONTEXT_MESSAGES = 100;

/**
 * Saves the user's message and starts the answer under it. With `parentId`
 * (an edit: the parent of the message edited) the message is a new version
 * beside the one edited; without, it follows the active leaf.
 */
export async function sendUserMessage(
  opts: TurnOptions & { text: string },
): Promise<{ message: Message; outcome: Promise<TurnOutcome> }> {
  const message = await saveUserMessage(opts);
  return { message, outcome: runAnswer({ ...opts, parentId: message.id }) };
}

/** Saves the user's message (and names a new conversation after it) without asking for an answer. */
export async function saveUserMessage(
  opts: Pick<TurnOptions, 'storage' | 'conversationId' | 'projectId' | 'parentId'> & {
    text: string;
    /** Made by the caller when it must know the id before the message is saved. */
    id?: string;
    metadata?: Message['metadata'];
  },
): Promise<Message> {
  const { storage, conversationId, projectId } = opts;
  const conversation = await storage.getConversation(conversationId);
  // Saved before anything is sent: a crash right after Send still keeps the question.
  const message = await storage.saveMessage({
    id: opts.id ?? newId(),
    conversationId,
    projectId,
    role: 'user',
    content: opts.text,
    status: 'complete',
    ...(opts.metadata ? { metadata: opts.metadata } : {}),
    ...(opts.parentId !== undefined ? { parentId: opts.parentId } : {}),
  });
  if (conversation && !conversation.title) {
    await storage.updateConversation(conversationId, { title: titleFromMessage(opts.text) });
  }
  return message;
}

/**
 * Regenerate and Retry: a new answer beside `replaced` (same parent), which
 * stays as an earlier version.
 */
export function answerAgain(
  opts: TurnOptions & { replaced: Pick<Message, 'parentId'> },
): Promise<TurnOutcome> {
  return runAnswer({ ...opts, parentId: opts.replaced.parentId });
}

/** What the assistant is shown: the branch ending at `parentId` (the active branch when left out). */
async function historyUpTo(
  storage: ChatStorageAdapter,
  conversationId: string,
  parentId: string | null | undefined,
  limit = CONTEXT_MESSAGES,
): Promise<Message[]> {
  if (parentId === null) return [];
  const page = await storage.getMessages(conversationId, {
    limit,
    ...(parentId !== undefined ? { leafId: parentId } : {}),
  });
  return contextOf(page.messages);
}

/** The messages an assistant sees: failed answers are left out. */
export function contextOf(messages: Message[]): Message[] {
  return messages.filter(
    (m) => !(m.role === 'assistant' && (m.status === 'error' || m.status === 'pending')),
  );
}

export function runAnswer(opts: TurnOptions): Promise<TurnOutcome> {
  const { storage, locks, assistant, conversationId, projectId, signal } = opts;
  const maxSteps = opts.maxSteps ?? 5;

  return locks.hold(conversationId, async (): Promise<TurnOutcome> => {
    // Each step follows the one before (the tool result, or the answer's first message).
    let parentId = opts.parentId;
    for (let step = 0; step < maxSteps; step++) {
      const history = await historyUpTo(storage, conversationId, parentId, opts.contextMessages);
      const stopSaving = new AbortController();
      const writer = new StreamWriter({
        storage,
        id: newId(),
        conversationId,
        projectId,
        ...(parentId !== undefined ? { parentId } : {}),
        metadata: { model: assistant.model },
        ...opts.writerOptions,
        onSaveError: () => stopSaving.abort(),
      });
      await writer.start();
      if (writer.saveError) return { status: 'not-saved', error: writer.saveError };
      const stepSignal = AbortSignal.any([signal, stopSaving.signal]);
      try {
        for await (const event of untilAborted(assistant.step({ history, signal: stepSignal }), stepSignal)) {
          if (stepSignal.aborted) break;
          if (event.type === 'text') writer.appendText(event.delta);
          else if (event.type === 'tool-call-delta') writer.updateToolCall(event.index, event.call);
          else if (event.type === 'tool-call') await writer.addToolCall(event.call, event.index);
          else if (event.type === 'usage') writer.setMetadata({ tokens: event.tokens });
        }
      } catch (error) {
        if (!stepSignal.aborted) {
          if (
            opts.queueWhenUnreachable &&
            step === 0 &&
            error instanceof EndpointUnreachableError &&
            isEmpty(writer)
          ) {
            // Nothing was sent or received: no failed answer is left behind; the question waits instead.
            await writer.fail(error.message);
            if (writer.saveError) return { status: 'not-saved', error: writer.saveError };
            await storage.deleteMessage(writer.id).catch(() => {});
            return { status: 'unreachable', error: error.message };
          }
          await writer.fail(describeError(error));
          return writer.saveError
            ? { status: 'not-saved', error: writer.saveError }
            : { status: 'error', error: describeError(error) };
        }
      }
      if (writer.saveError) return { status: 'not-saved', error: writer.saveError };
      if (signal.aborted) {
        await writer.stop();
        return { status: 'stopped' };
      }
      const calls = writer.calls;
      await writer.finish();
      if (writer.saveError) return { status: 'not-saved', error: writer.saveError };
      if (calls.length === 0) return { status: 'complete' };
      parentId = writer.id;
      for (const call of calls) {
        const result = runTool(call.name, call.arguments);
        const saved = await storage.saveMessage({
          id: newId(),
          conversationId,
          projectId,
          parentId,
          role: 'tool',
          toolCallId: call.id,
          toolName: call.name,
          toolResult: result,
          content: JSON.stringify(result),
          status: 'complete',
        });
        parentId = saved.id;
      }
    }
    return { status: 'complete' };
  });
}

function isEmpty(writer: StreamWriter): boolean {
  return writer.content === '' && writer.calls.length === 0;
}

/**
 * Ends the iteration as soon as the signal aborts, even when the assistant
 * is stuck waiting (a stalled connection): Stop must always answer at once.
 */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Not awaited: a stuck assistant would never answer.
    void iterator.return?.(undefined)?.catch(() => {});
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
