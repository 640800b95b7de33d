// What an assistant is to the chat loop: something that, given the
// conversation so far, streams one step of an answer (text and tool calls).
import type { Message, ToolCall } from '@chatkeep/storage';

export type AssistantEvent =
  | { type: 'text'; delta: string }
  /**
   * A tool call still arriving, as it stands after its latest delta: id, name
   * and the arguments text so far. `index` ties it to the whole call that follows.
   */
  | { type: 'tool-call-delta'; index: number; call: { id: string; name: string; arguments: string } }
  /** A whole tool call; with `index` it completes the call streamed under that index. */
  | { type: 'tool-call'; call: ToolCall; index?: number }
  | { type: 'usage'; tokens: { input: number; output: number } };

export interface StepRequest {
  /** The conversation so far, chronological, including the tool results of earlier steps. */
  history: Message[];
  signal: AbortSignal;
}

export interface Assistant {
  /** Shown on messages it wrote (metadata.model). */
  readonly model: string;
  /** One step: ends when the answer is complete or the assistant asks for tools. */
  step(request: StepRequest): AsyncIterable<AssistantEvent>;
}
