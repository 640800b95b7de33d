// Any endpoint that speaks OpenAI's chat.completions streaming protocol:
// OpenAI, Ollama, LM Studio, vLLM... Text and tool-call deltas arrive over
// SSE; each tool-call delta is handed on as the call stands so far (so that
// it is saved as it arrives), and the call again, parsed, once it is whole.
import type { Message } from '@chatkeep/storage';
import OpenAI, { APIConnectionError, APIError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { EndpointUnreachableError } from './errors.js';
import { builtinTools } from './tools.js';
import type { Assistant, AssistantEvent, StepRequest } from './types.js';

export interface OpenAICompatibleSettings {
  baseURL: string;
  apiKey: string;
  model: string;
  /** Offer the built-in calculator and clock tools (some local models reject tools). */
  tools: boolean;
  /** Sent as the first message of every request when not empty. */
  systemPrompt?: string;
  /** Left out when undefined, so that the endpoint's default applies. */
  temperature?: number;
  maxTokens?: number;
}

/** The request's messages: the system prompt first, then the conversation. */
export function requestMessages(
  settings: Pick<OpenAICompatibleSettings, 'systemPrompt'>,
  history: Message[],
): ChatCompletionMessageParam[] {
  const prompt = settings.systemPrompt?.trim();
  return [...(prompt ? [{ role: 'system' as const, content: prompt }] : []), ...toOpenAIMessages(history)];
}

/** Temperature and max tokens, where set. */
export function samplingOptions(settings: Pick<OpenAICompatibleSettings, 'temperature' | 'maxTokens'>): {
  temperature?: number;
  max_tokens?: number;
} {
  return {
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    // max_tokens rather than max_completion_tokens: the one Ollama, LM Studio and vLLM all read.
    ...(settings.maxTokens !== undefined ? { max_tokens: settings.maxTokens } : {}),
  };
}

/** Stored messages in the chat.completions shape. */
export function toOpenAIMessages(history: Message[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  const answered = new Set(history.filter((m) => m.role === 'tool').map((m) => m.toolCallId));
  for (const m of history) {
    if (m.role === 'user' || m.role === 'system') {
      out.push({ role: m.role, content: m.content });
    } else if (m.role === 'assistant') {
      // A tool call without its result (cut off) would make the endpoint refuse the whole request.
      const calls = (m.toolCalls ?? []).filter((c) => answered.has(c.id));
      if (!m.content && calls.length === 0) continue;
      out.push({
        role: 'assistant',
        content: m.content || null,
        ...(calls.length
          ? {
              tool_calls: calls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: JSON.stringify(c.arguments ?? {}) },
              })),
            }
          : {}),
      });
    } else if (m.role === 'tool' && m.toolCallId) {
      out.push({ role: 'tool', tool_call_id: m.toolCallId, content: JSON.stringify(m.toolResult ?? null) });
    }
  }
  return out;
}

const toolSpecs: ChatCompletionTool[] = builtinTools.map((t) => ({
  type: 'function',
  function: { name: t.name, description: t.description, parameters: t.parameters },
}));

function parseArguments(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    // Kept as text so that nothing the model sent is lost.
    return { _unparsed: text };
  }
}

/** Some local servers send no call id; one is made up so that the tool result can answer it. */
function callId(id: string, index: number): string {
  return id || `call_${index}`;
}

/** An endpoint failure in words a person can act on. */
export function describeEndpointError(error: unknown, baseURL: string, online = isOnline()): string {
  if (error instanceof APIConnectionError) {
    // Offline, the CORS and server hints would send the user looking for a fault that is not there.
    if (!online) return `You are offline: ${baseURL} cannot be reached until the network is back.`;
    return `Could not reach ${baseURL}: check the base URL, that the server is running, and that it allows requests from this page (CORS).`;
  }
  if (error instanceof APIError) {
    const detail =
      (error.error as { message?: string } | undefined)?.message ?? error.message ?? 'no details given';
    const hint =
      error.status === 401
        ? ' Check the API key in Settings.'
        : error.status === 404
          ? ' Check the base URL and the model name in Settings.'
          : '';
    return `The endpoint answered ${error.status ?? 'with an error'}: ${detail}.${hint}`.replace(
      /\.\./g,
      '.',
    );
  }
  return error instanceof Error ? error.message : String(error);
}

function isOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

export function createOpenAICompatibleAssistant(settings: OpenAICompatibleSettings): Assistant {
  const client = new OpenAI({
    baseURL: settings.baseURL.replace(/\/+$/, ''),
    // Local servers (Ollama, LM Studio) need no key, but the client insists on one.
    apiKey: settings.apiKey || 'no-key',
    dangerouslyAllowBrowser: true,
    // Failures are shown at once with a Retry button rather than retried silently.
    maxRetries: 0,
  });

  return {
    model: settings.model,
    async *step({ history, signal }: StepRequest): AsyncGenerator<AssistantEvent> {
      const calls = new Map<number, { id: string; name: string; args: string }>();
      const emitted = new Set<number>();
      // A call is whole once a later call starts or the choice finishes: then it is handed on at once.
      const complete = function* (upTo: number): Generator<AssistantEvent> {
        for (const [index, call] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
          if (index >= upTo || emitted.has(index)) continue;
          emitted.add(index);
          yield {
            type: 'tool-call',
            index,
            call: { id: callId(call.id, index), name: call.name, arguments: parseArguments(call.args) },
          };
        }
      };
      try {
        const stream = await client.chat.completions.create(
          {
            model: settings.model,
            messages: requestMessages(settings, history),
            stream: true,
            stream_options: { include_usage: true },
            ...(settings.tools ? { tools: toolSpecs } : {}),
            ...samplingOptions(settings),
          },
          { signal },
        );
        for await (const chunk of stream) {
          if (chunk.usage) {
            yield {
              type: 'usage',
              tokens: { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens },
            };
          }
          const choice = chunk.choices[0];
          const delta = choice?.delta;
          if (delta?.content) yield { type: 'text', delta: delta.content };
          for (const d of delta?.tool_calls ?? []) {
            yield* complete(d.index);
            const call = calls.get(d.index) ?? { id: '', name: '', args: '' };
            if (d.id) call.id = d.id;
            if (d.function?.name) call.name += d.function.name;
            if (d.function?.arguments) call.args += d.function.arguments;
            calls.set(d.index, call);
            yield {
              type: 'tool-call-delta',
              index: d.index,
              call: { id: callId(call.id, d.index), name: call.name, arguments: call.args },
            };
          }
          if (choice?.finish_reason) yield* complete(Number.POSITIVE_INFINITY);
        }
      } catch (error) {
        if (signal.aborted) throw error;
        const message = describeEndpointError(error, settings.baseURL);
        throw error instanceof APIConnectionError
          ? new EndpointUnreachableError(message)
          : new Error(message);
      }
      yield* complete(Number.POSITIVE_INFINITY);
    },
  };
}
