// AI SDK v5/v6 `UIMessage`s in and out of Chatkeep storage, so an app built
// on `useChat` keeps its history here:
//
//   const stored = await storage.getMessages(id);
//   const chat = useChat({ id, messages: toUIMessages(stored.messages) });
//   onFinish: ({ messages }) => storage.saveConversation({ id, projectId }, fromUIMessages(messages, { conversationId: id, projectId }))
//
// `fromUIMessages` stores each message the way the migration and import do
// (text in `content`, tool calls and `tool` messages, reasoning, files and
// sources in metadata), so the Chatkeep app shows and searches it, and also
// keeps the message's own parts in `metadata.uiParts`: `toUIMessages` gives
// them back exactly, whatever the part (text, reasoning, files, sources,
// every tool state, data parts, step boundaries, provider metadata).
// Messages Chatkeep wrote itself, or imported from other apps, are turned
// into parts from their fields.
//
// The package does not depend on `ai`: the shapes below are what it needs,
// and the functions are generic so that `ai`'s own `UIMessage` type (with
// the app's metadata, data and tool types) flows through unchanged.
import { ChatStorageError } from '../errors.js';
import type { Message, MessageInput } from '../types.js';
import { convertAiSdkMessages } from './convert.js';
import { isRecord, type JsonValue, toJson } from './json.js';

/** What `fromUIMessages` reads of a UI message: `ai`'s `UIMessage` fits it. */
export interface UIMessageLike {
  id: string;
  role: 'system' | 'user' | 'assistant';
  metadata?: unknown;
  parts: readonly unknown[];
}

export interface FromUIMessagesContext {
  conversationId: string;
  projectId: string;
  /**
   * Time for messages that carry none (no `metadata.createdAt`); each later
   * message gets 1 ms more, so the stored order is the array's. Default: now.
   */
  now?: number;
}

/**
 * Chatkeep messages for `uiMessages`, one branch in array order: each
 * follows the one before it (tool results right after the call that made
 * them). Saving them again after the chat grew, or after a regenerated
 * answer replaced the last one, adds the new messages; the replaced answer
 * stays as an earlier version. Throws `invalid-input` for anything that is
 * not a UI message.
 */
export function fromUIMessages(
  uiMessages: readonly UIMessageLike[],
  ctx: FromUIMessagesContext,
): MessageInput[] {
  if (!Array.isArray(uiMessages)) {
    throw new ChatStorageError(
      'invalid-input',
      "fromUIMessages expects an array of UI messages (useChat's messages).",
    );
  }
  uiMessages.forEach((m, i) => {
    if (!isRecord(m) || typeof m.id !== 'string' || !m.id || !Array.isArray(m.parts)) {
      throw new ChatStorageError(
        'invalid-input',
        `fromUIMessages: entry ${i} is not a UI message: expected {id, role, parts: [...]}, as useChat's messages are.`,
      );
    }
  });
  const { messages, skipped } = convertAiSdkMessages(uiMessages as unknown[], ctx);
  if (skipped.length > 0) {
    throw new ChatStorageError('invalid-input', `fromUIMessages: ${skipped.map((s) => s.reason).join(' ')}`);
  }
  const own = new Map(uiMessages.map((m) => [m.id, m]));
  let previous: string | null = null;
  return messages.map((message) => {
    const ui = own.get(message.id);
    const out: MessageInput = { ...message, parentId: previous };
    previous = message.id;
    if (ui) out.metadata = { ...message.metadata, uiParts: (toJson(ui.parts) ?? []) as JsonValue[] };
    return out;
  });
}

type Part = Record<string, unknown> & { type: string };

/**
 * UI messages for a branch of stored messages (`getMessages(id).messages`),
 * in order. Each message saved through `fromUIMessages` comes back as it was
 * given; any other becomes parts from its fields, with the results of its
 * tool calls (the `tool` messages after it) folded into its tool parts.
 * The type parameter lets `useChat({ messages: toUIMessages(...) })` infer
 * the app's own `UIMessage` type.
 */
export function toUIMessages<UI_MESSAGE extends UIMessageLike = UIMessageLike>(
  messages: readonly Message[],
): UI_MESSAGE[] {
  const answers = new Map<string, Message>();
  for (const m of messages) if (m.role === 'tool' && m.toolCallId) answers.set(m.toolCallId, m);
  /** Tool messages shown inside the parts of the call that made them. */
  const folded = new Set<string>();
  const out: UIMessageLike[] = [];
  for (const m of messages) {
    if (m.role === 'tool') continue;
    const calls = m.toolCalls ?? [];
    for (const call of calls) {
      const answer = answers.get(call.id);
      if (answer) folded.add(answer.id);
    }
    const stored = storedParts(m);
    const ui: UIMessageLike = { id: m.id, role: m.role, parts: stored ?? partsOf(m, answers) };
    if (m.metadata?.sdkMetadata !== undefined) ui.metadata = m.metadata.sdkMetadata;
    out.push(ui);
  }
  // A tool result whose call is not in the branch still shows, as an answer of its own.
  for (const m of messages) {
    if (m.role !== 'tool' || folded.has(m.id)) continue;
    const at = out.findIndex((u) => u.id === m.parentId);
    out.splice(at < 0 ? out.length : at + 1, 0, {
      id: m.id,
      role: 'assistant',
      parts: [toolPart(m.toolName ?? 'tool', m.toolCallId ?? m.id, null, m, undefined, true)],
    });
  }
  return out as UI_MESSAGE[];
}

/** The parts given to `fromUIMessages`, unless the message was changed since (its text no longer matches). */
function storedParts(m: Message): Part[] | undefined {
  const parts = m.metadata?.uiParts;
  if (!Array.isArray(parts)) return undefined;
  const text = parts
    .filter((p): p is Part => isRecord(p) && p.type === 'text')
    .map((p) => (typeof p.text === 'string' ? p.text : ''))
    .join('\n\n');
  return text === m.content ? (parts as Part[]) : undefined;
}

interface Source {
  sourceType?: string;
  id?: string;
  url?: string;
  title?: string;
  mediaType?: string;
  filename?: string;
}

function partsOf(m: Message, answers: Map<string, Message>): Part[] {
  const parts: Part[] = [];
  const meta = m.metadata ?? {};
  if (typeof meta.reasoning === 'string' && meta.reasoning)
    parts.push({ type: 'reasoning', text: meta.reasoning });
  const states = isRecord(meta.toolStates) ? meta.toolStates : {};
  for (const call of m.toolCalls ?? []) {
    const state = typeof states[call.id] === 'string' ? (states[call.id] as string) : undefined;
    parts.push(toolPart(call.name, call.id, call.arguments, answers.get(call.id), state, false));
  }
  if (m.content) parts.push({ type: 'text', text: m.content });
  for (const a of meta.attachments ?? []) {
    // A file the export did not include has no URL to show it from.
    if (!a.url) continue;
    parts.push({ type: 'file', mediaType: a.mediaType, filename: a.name, url: a.url });
  }
  for (const s of (Array.isArray(meta.sources) ? meta.sources : []) as Source[]) {
    if (!isRecord(s) || !s.id) continue;
    if (s.sourceType === 'document') {
      parts.push({
        type: 'source-document',
        sourceId: s.id,
        mediaType: s.mediaType ?? 'text/plain',
        title: s.title ?? s.filename ?? s.id,
        ...(s.filename ? { filename: s.filename } : {}),
      });
    } else if (s.url) {
      parts.push({ type: 'source-url', sourceId: s.id, url: s.url, ...(s.title ? { title: s.title } : {}) });
    }
  }
  for (const d of Array.isArray(meta.data) ? meta.data : []) {
    if (isRecord(d) && typeof d.type === 'string' && d.type.startsWith('data-')) parts.push(d as Part);
  }
  return parts;
}

/** A `tool-<name>` part (or `dynamic-tool` for a name a tool type cannot carry) for a call and its answer. */
function toolPart(
  name: string,
  toolCallId: string,
  input: unknown,
  answer: Message | undefined,
  state: string | undefined,
  dynamic: boolean,
): Part {
  const head: Part =
    dynamic || !/^[\w-]+$/.test(name)
      ? { type: 'dynamic-tool', toolName: name, toolCallId }
      : { type: `tool-${name}`, toolCallId };
  if (answer?.status === 'error') {
    return { ...head, state: 'output-error', input, errorText: answer.metadata?.error ?? answer.content };
  }
  if (answer?.metadata?.denied === true) {
    const reason = typeof answer.metadata.reason === 'string' ? answer.metadata.reason : undefined;
    return {
      ...head,
      state: 'output-denied',
      input,
      approval: { id: toolCallId, approved: false, ...(reason ? { reason } : {}) },
    };
  }
  if (answer) return { ...head, state: 'output-available', input, output: answer.toolResult ?? null };
  return { ...head, state: state === 'input-streaming' ? 'input-streaming' : 'input-available', input };
}
