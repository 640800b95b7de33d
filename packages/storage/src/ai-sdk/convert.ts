// Vercel AI SDK chat messages (v4 `Message`, v5/v6 `UIMessage`, and model
// messages with content arrays) as Chatkeep messages. Used by the legacy
// migration and by the importer.
//
// Rules, beyond DESIGN.md's data model:
// - An assistant message whose text, reasoning or tool input was still
//   streaming when it was saved (`state: 'streaming'`, `partial-call`,
//   `input-streaming`) is `interrupted`: its partial text and partial tool
//   input are kept, and the UI offers a retry.
// - A call without an answer (`call`, `input-available`, approval states)
//   stays in `toolCalls`; its SDK state is in `metadata.toolStates[callId]`.
// - Ids: the message's own id, else `<conversationId>:<index in raw>`; a tool
//   message is `<assistant id>:tool:<call id>`. Re-running never duplicates.
// - Times: the message's own `createdAt` (Date, ISO text, ms or s), else
//   `metadata.createdAt`, else 1 ms after the previous message (the first one
//   at `now`). Times are then made strictly increasing in array order, so the
//   stored order is the original order.
// - Where the rest goes: reasoning text in `metadata.reasoning`; sources in
//   `metadata.sources`; files and `experimental_attachments` in
//   `metadata.attachments`; `data-*` parts in `metadata.data`; the number of
//   `step-start` boundaries in `metadata.steps`; v4 `annotations` in
//   `metadata.annotations`; the SDK's own message metadata in
//   `metadata.sdkMetadata` (its model and token usage also lifted into
//   `model` and `tokens`); unknown parts, and fields of known parts that have
//   no place of their own (provider metadata, signatures), in
//   `metadata.parts`; unknown top-level fields in `metadata.extra`.
import { ChatStorageError } from '../errors.js';
import { validateMessageInput } from '../schema.js';
import type { MessageInput, MessageMetadata, Role } from '../types.js';
import { isRecord, type JsonValue, toJson } from './json.js';
import { PartCollector, toAttachment } from './parts.js';
import { toEpochMs } from './time.js';
import { mergeToolSteps, toolMessage, toolState } from './tools.js';

export interface ConvertContext {
  conversationId: string;
  projectId: string;
  /** Where untimed messages start (ms since epoch); defaults to the current time. */
  now?: number;
}

export interface SkippedEntry {
  id?: string;
  reason: string;
}

export interface ConvertResult {
  messages: MessageInput[];
  skipped: SkippedEntry[];
}

const MAX_ID = 200;
const ROLES: readonly string[] = ['user', 'assistant', 'system', 'tool'];
/** Top-level fields the conversion reads; any other field is kept in `metadata.extra`. */
const KNOWN_FIELDS = [
  'id',
  'role',
  'content',
  'createdAt',
  'parts',
  'toolInvocations',
  'experimental_attachments',
  'reasoning',
  'annotations',
  'metadata',
];

/** A cheap stable hash for shortening over-long ids. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

export function boundedId(id: string): string {
  return id.length <= MAX_ID ? id : `${id.slice(0, MAX_ID - 12)}~${fnv1a(id)}`;
}

interface Draft {
  message: MessageInput;
  ownTime: number | undefined;
  answers: MessageInput[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Model id and token counts from the SDK's free-form message metadata, when it has them in a known form. */
function liftKnown(meta: Record<string, unknown>, into: MessageMetadata): void {
  const model = meta.model ?? meta.modelId;
  if (typeof model === 'string' && model) into.model = model;
  const usage = isRecord(meta.usage) ? meta.usage : isRecord(meta.totalUsage) ? meta.totalUsage : undefined;
  if (usage) {
    const input = usage.inputTokens ?? usage.promptTokens;
    const output = usage.outputTokens ?? usage.completionTokens;
    if (typeof input === 'number' && typeof output === 'number' && Number.isFinite(input + output)) {
      into.tokens = { input, output };
    }
  }
}

function draftOf(raw: Record<string, unknown>, role: Role, id: string, ctx: ConvertContext): Draft {
  const collector = new PartCollector(id);
  const parts = Array.isArray(raw.parts) ? raw.parts : Array.isArray(raw.content) ? raw.content : undefined;
  for (const part of parts ?? []) collector.add(part);
  const bag = collector.bag;
  // v4 kept tool calls both in `toolInvocations` and in `tool-invocation` parts.
  if (Array.isArray(raw.toolInvocations)) {
    for (const inv of raw.toolInvocations) collector.add({ type: 'tool-invocation', toolInvocation: inv });
  }

  const hasTextParts = bag.texts.length > 0;
  const content =
    hasTextParts || typeof raw.content !== 'string'
      ? bag.texts.join(hasTextParts ? '\n\n' : '')
      : raw.content;

  const metadata: MessageMetadata = {};
  const sdkMeta = isRecord(raw.metadata) ? raw.metadata : undefined;
  if (sdkMeta) liftKnown(sdkMeta, metadata);
  if (raw.metadata !== undefined) {
    const json = toJson(raw.metadata);
    if (json !== undefined) metadata.sdkMetadata = json;
  }
  const reasoning = bag.reasoning.length
    ? bag.reasoning.join('\n\n')
    : typeof raw.reasoning === 'string'
      ? raw.reasoning
      : undefined;
  if (reasoning) metadata.reasoning = reasoning;
  if (bag.sources.length) metadata.sources = bag.sources as unknown as JsonValue[];
  const attachments = [...bag.attachments];
  if (Array.isArray(raw.experimental_attachments)) {
    for (const a of raw.experimental_attachments) {
      if (!isRecord(a)) continue;
      attachments.push(
        toAttachment(
          { name: a.name, mediaType: a.contentType ?? a.mediaType, url: a.url, size: a.size },
          `attachment-${attachments.length + 1}`,
        ),
      );
    }
  }
  if (attachments.length) metadata.attachments = attachments;
  if (bag.data.length) metadata.data = bag.data;
  if (bag.steps) metadata.steps = bag.steps;
  if (bag.leftovers.length) metadata.parts = bag.leftovers;
  if (raw.annotations !== undefined) metadata.annotations = toJson(raw.annotations) ?? null;
  const extra: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (KNOWN_FIELDS.includes(key)) continue;
    const json = toJson(value);
    if (json !== undefined) extra[key] = json;
  }
  if (Object.keys(extra).length) metadata.extra = extra;

  const steps = mergeToolSteps(bag.tools);
  const base = { conversationId: ctx.conversationId, projectId: ctx.projectId };
  const message: MessageInput = { id, ...base, role, content, status: 'complete' };
  const answers: MessageInput[] = [];

  if (role === 'tool') {
    // A model-message tool turn: each result is its own tool message; plain text stays on this one.
    for (const step of steps) {
      const answer = toolMessage(step, { id: boundedId(`${id}:tool:${step.id}`), ...base });
      if (answer) answers.push(answer);
    }
    if (answers.length > 0 && !content) {
      // No text of its own: the first result takes this message's id instead of leaving an empty message.
      const [first, ...rest] = answers;
      const merged = { ...metadata, ...first!.metadata };
      const own = { ...first!, id, ...(Object.keys(merged).length ? { metadata: merged } : {}) };
      return { message: own, ownTime: ownTimeOf(raw, sdkMeta), answers: rest };
    }
  } else if (steps.length > 0 && role === 'assistant') {
    message.toolCalls = steps.map((s) => ({ id: s.id, name: s.name, arguments: s.input ?? null }));
    metadata.toolStates = Object.fromEntries(steps.map((s) => [s.id, toolState(s)]));
    for (const step of steps) {
      const answer = toolMessage(step, { id: boundedId(`${id}:tool:${step.id}`), ...base });
      if (answer) answers.push(answer);
    }
  } else if (steps.length > 0) {
    // Only assistants call tools; anything else keeps its tool parts as data.
    metadata.toolInvocations = toJson(steps) ?? null;
  }

  if (role === 'assistant' && (bag.streaming || steps.some((s) => s.outcome === 'streaming'))) {
    message.status = 'interrupted';
  }
  if (Object.keys(metadata).length) message.metadata = metadata;
  return { message, ownTime: ownTimeOf(raw, sdkMeta), answers };
}

function ownTimeOf(raw: Record<string, unknown>, sdkMeta: Record<string, unknown> | undefined) {
  return toEpochMs(raw.createdAt) ?? toEpochMs(sdkMeta?.createdAt);
}

/** Gives every message a time: its own when it has one, strictly increasing in array order. */
function assignTimes(drafts: Draft[], now: number): MessageInput[] {
  let slotsBefore = 0;
  let anchor = now;
  for (const d of drafts) {
    if (d.ownTime !== undefined) {
      anchor = d.ownTime - slotsBefore;
      break;
    }
    slotsBefore += 1 + d.answers.length;
  }
  let last = anchor - 1;
  const out: MessageInput[] = [];
  const place = (m: MessageInput, own: number | undefined) => {
    const t = Math.max(own ?? last + 1, last + 1);
    last = t;
    out.push({ ...m, createdAt: t, updatedAt: t });
  };
  for (const d of drafts) {
    place(d.message, d.ownTime);
    for (const answer of d.answers) place(answer, undefined);
  }
  return out;
}

/**
 * Converts a list of AI SDK messages of any version (mixed versions allowed)
 * into messages of one conversation. Entries that are not chat messages are
 * listed in `skipped` with the reason; everything returned passes
 * `validateMessageInput`.
 */
export function convertAiSdkMessages(raw: unknown[], ctx: ConvertContext): ConvertResult {
  if (!Array.isArray(raw)) {
    throw new ChatStorageError(
      'invalid-input',
      `convertAiSdkMessages expects an array of messages, got ${describe(raw)}.`,
    );
  }
  for (const key of ['conversationId', 'projectId'] as const) {
    if (typeof ctx?.[key] !== 'string' || !ctx[key]) {
      throw new ChatStorageError(
        'invalid-input',
        `convertAiSdkMessages needs ctx.${key} (a non-empty string).`,
      );
    }
  }
  const skipped: SkippedEntry[] = [];
  const ownId = (entry: Record<string, unknown>) =>
    (typeof entry.id === 'string' && entry.id) || (typeof entry.id === 'number' && Number.isFinite(entry.id))
      ? String(entry.id)
      : undefined;
  const idOf = (entry: unknown, index: number) =>
    boundedId((isRecord(entry) && ownId(entry)) || `${ctx.conversationId}:${index}`);
  // When one id appears twice (a message re-saved while streaming), the later copy is the fuller one.
  const lastIndexOf = new Map<string, number>();
  raw.forEach((entry, index) => {
    lastIndexOf.set(idOf(entry, index), index);
  });

  const drafts: Draft[] = [];
  raw.forEach((entry, index) => {
    if (!isRecord(entry)) {
      skipped.push({ reason: `Entry ${index} is ${describe(entry)}, not a message object.` });
      return;
    }
    const id = idOf(entry, index);
    const given = ownId(entry);
    if (lastIndexOf.get(id) !== index) {
      skipped.push({
        id: given,
        reason: `Entry ${index} repeats message id ${id}; the later copy (entry ${lastIndexOf.get(id)}) was kept.`,
      });
      return;
    }
    if (typeof entry.role !== 'string' || !ROLES.includes(entry.role)) {
      skipped.push({
        id: given,
        reason: `Entry ${index} has role ${JSON.stringify(entry.role) ?? 'undefined'}, which is not a chat message (user, assistant, system or tool).`,
      });
      return;
    }
    if (entry.content !== undefined && typeof entry.content !== 'string' && !Array.isArray(entry.content)) {
      skipped.push({
        id: given,
        reason: `Entry ${index} has content that is ${describe(entry.content)}; expected text or a list of parts.`,
      });
      return;
    }
    drafts.push(draftOf(entry, entry.role as Role, id, ctx));
  });

  const messages: MessageInput[] = [];
  for (const message of assignTimes(drafts, ctx.now ?? Date.now())) {
    try {
      messages.push(validateMessageInput(message));
    } catch (error) {
      skipped.push({ id: message.id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { messages, skipped };
}
