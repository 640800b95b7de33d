// Tool calls in every AI SDK shape (v4 `toolInvocations` and `tool-invocation`
// parts, v5/v6 `tool-<name>` and `dynamic-tool` parts, model-message
// `tool-call`/`tool-result` parts) reduced to one form, and the `tool`
// messages that carry their results.
import type { MessageInput } from '../types.js';
import { isRecord, type JsonValue, shortText, toJson } from './json.js';

/**
 * Where a call got to. `streaming`: its input was still arriving when the
 * history was saved; `pending`: complete input, no answer yet (also waiting
 * for approval); `result`, `error`, `denied`: answered.
 */
export type ToolOutcome = 'streaming' | 'pending' | 'result' | 'error' | 'denied';

export interface ToolStep {
  id: string;
  name: string;
  input: JsonValue | undefined;
  /** The state as the SDK wrote it, kept so a reader can tell e.g. "awaiting approval". */
  state: string;
  outcome: ToolOutcome;
  output?: JsonValue;
  errorText?: string;
  denialReason?: string;
  /** Fields with no place of their own (approval, providerExecuted, step, provider metadata...). */
  extra: Record<string, JsonValue>;
}

const RANK: Record<ToolOutcome, number> = { streaming: 0, pending: 1, result: 2, error: 2, denied: 2 };

const V4_OUTCOMES: Record<string, ToolOutcome> = {
  'partial-call': 'streaming',
  call: 'pending',
  result: 'result',
};

const V5_OUTCOMES: Record<string, ToolOutcome> = {
  'input-streaming': 'streaming',
  'input-available': 'pending',
  'approval-requested': 'pending',
  'approval-responded': 'pending',
  'output-available': 'result',
  'output-error': 'error',
  'output-denied': 'denied',
};

function extras(source: Record<string, unknown>, consumed: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(source)) {
    if (consumed.includes(key)) continue;
    const json = toJson(value);
    if (json !== undefined) out[key] = json;
  }
  return out;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** A v4 tool invocation (from `toolInvocations` or a `tool-invocation` part). */
export function fromV4Invocation(inv: Record<string, unknown>, fallbackId: string): ToolStep {
  const state = typeof inv.state === 'string' ? inv.state : 'call';
  const hasResult = 'result' in inv && inv.result !== undefined;
  const outcome = V4_OUTCOMES[state] ?? (hasResult ? 'result' : 'pending');
  return {
    id: text(inv.toolCallId) ?? fallbackId,
    name: text(inv.toolName) ?? 'unknown',
    input: toJson(inv.args),
    state,
    outcome,
    ...(outcome === 'result' ? { output: toJson(inv.result) ?? null } : {}),
    extra: extras(inv, ['toolCallId', 'toolName', 'args', 'state', 'result']),
  };
}

/** A v5/v6 tool part: `tool-<name>` or `dynamic-tool` (which names its tool in `toolName`). */
export function fromV5ToolPart(part: Record<string, unknown>, fallbackId: string): ToolStep {
  const type = String(part.type);
  const name = type === 'dynamic-tool' ? (text(part.toolName) ?? 'unknown') : type.slice('tool-'.length);
  const state = String(part.state);
  const approval = isRecord(part.approval) ? part.approval : undefined;
  let outcome = V5_OUTCOMES[state];
  if (!outcome) outcome = part.output !== undefined ? 'result' : text(part.errorText) ? 'error' : 'pending';
  // An approval answered "no" is a denial even before the SDK moves it to output-denied.
  if (state === 'approval-responded' && approval?.approved === false) outcome = 'denied';
  // output-error of v5 kept the input in rawInput when it could not be parsed.
  const input = part.input !== undefined ? part.input : part.rawInput;
  return {
    id: text(part.toolCallId) ?? fallbackId,
    name: name || 'unknown',
    input: toJson(input),
    state,
    outcome,
    ...(outcome === 'result' ? { output: toJson(part.output) ?? null } : {}),
    ...(outcome === 'error'
      ? { errorText: text(part.errorText) ?? 'The tool failed without a message.' }
      : {}),
    ...(outcome === 'denied' && text(approval?.reason) ? { denialReason: String(approval?.reason) } : {}),
    extra: extras(part, [
      'type',
      'toolName',
      'toolCallId',
      'state',
      'input',
      'output',
      'errorText',
      ...(part.input !== undefined ? [] : ['rawInput']),
    ]),
  };
}

/** A model-message `tool-call` content part (AI SDK core, `args` in v4, `input` in v5). */
export function fromCoreToolCall(part: Record<string, unknown>, fallbackId: string): ToolStep {
  return {
    id: text(part.toolCallId) ?? fallbackId,
    name: text(part.toolName) ?? 'unknown',
    input: toJson(part.input !== undefined ? part.input : part.args),
    state: 'call',
    outcome: 'pending',
    extra: extras(part, ['type', 'toolCallId', 'toolName', 'input', 'args']),
  };
}

/** A model-message `tool-result` content part; v5 wraps outputs as `{type: 'json' | 'error-text' ..., value}`. */
export function fromCoreToolResult(part: Record<string, unknown>, fallbackId: string): ToolStep {
  let output: unknown = part.output !== undefined ? part.output : part.result;
  let failed = part.isError === true;
  if (isRecord(output) && typeof output.type === 'string' && 'value' in output) {
    failed ||= output.type.startsWith('error');
    output = output.value;
  }
  const base = {
    id: text(part.toolCallId) ?? fallbackId,
    name: text(part.toolName) ?? 'unknown',
    input: undefined,
    state: 'result',
    extra: extras(part, ['type', 'toolCallId', 'toolName', 'output', 'result', 'isError']),
  };
  return failed
    ? {
        ...base,
        outcome: 'error',
        errorText: shortText(output, 2000) || 'The tool failed without a message.',
      }
    : { ...base, outcome: 'result', output: toJson(output) ?? null };
}

/** Keeps one step per call id: the furthest along, with the other copy's details filled in. */
export function mergeToolSteps(steps: ToolStep[]): ToolStep[] {
  const byId = new Map<string, ToolStep>();
  for (const step of steps) {
    const seen = byId.get(step.id);
    if (!seen) {
      byId.set(step.id, step);
      continue;
    }
    const [ahead, behind] = RANK[step.outcome] >= RANK[seen.outcome] ? [step, seen] : [seen, step];
    byId.set(step.id, {
      ...ahead,
      input: ahead.input !== undefined ? ahead.input : behind.input,
      extra: { ...behind.extra, ...ahead.extra },
    });
  }
  return [...byId.values()];
}

/** What the assistant message keeps about a call beyond `toolCalls`: its state and extra fields. */
export function toolState(step: ToolStep): Record<string, JsonValue> {
  return { state: step.state, ...step.extra };
}

/** The `tool` message answering a call, or undefined while the call is unanswered. */
export function toolMessage(
  step: ToolStep,
  base: { id: string; conversationId: string; projectId: string },
): MessageInput | undefined {
  const common = { ...base, role: 'tool' as const, toolCallId: step.id, toolName: step.name };
  switch (step.outcome) {
    case 'result':
      return {
        ...common,
        content: shortText(step.output) || `${step.name} returned nothing.`,
        status: 'complete',
        toolResult: step.output ?? null,
      };
    case 'error':
      return {
        ...common,
        content: shortText(`${step.name} failed: ${step.errorText}`),
        status: 'error',
        metadata: { error: step.errorText ?? 'The tool failed.' },
      };
    case 'denied':
      return {
        ...common,
        content: shortText(
          `${step.name} was not run: the call was denied${step.denialReason ? ` (${step.denialReason})` : ''}.`,
        ),
        status: 'complete',
        metadata: { denied: true, ...(step.denialReason ? { reason: step.denialReason } : {}) },
      };
    default:
      return undefined;
  }
}
