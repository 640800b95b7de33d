// What an assistant is to the chat loop: something that, given the
// conversation so far, streams one step of an answer (text and tool calls).
import type { Message, ToolCall } from '@chatkeep/storage';

export type AssistantEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool-call'; call: ToolCall }
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
