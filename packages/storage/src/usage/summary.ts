// Usage figures: messages, answers and tokens per day, per project and per
// model over a time window. The tally is fed one message at a time by the
// adapters (each reads only the messages of the window through its index),
// so no history is held in memory whatever its size.
import { ChatStorageError } from '../errors.js';
import type { Message } from '../types.js';

export interface UsageQuery {
  /** One project; every project when left out. */
  projectId?: string;
  /** Messages created at or after this time (ms since epoch). */
  since: number;
  /** ...and at or before this one (default: now). */
  until?: number;
}

export interface UsageFigures {
  /** Questions and answers written (user and assistant messages; tool results and system prompts left out). */
  messages: number;
  /** Assistant messages (each step of an answer that used tools counts). */
  answers: number;
  /** Answers whose endpoint reported token usage: the token sums cover only these. */
  answersWithTokens: number;
  inputTokens: number;
  outputTokens: number;
}

export interface UsageSummary {
  since: number;
  until: number;
  totals: UsageFigures;
  /**
   * Every local day of the window, oldest first, days without activity
   * included (as zeros), with the models that answered that day (most answers first).
   */
  days: (UsageFigures & { day: string; models: string[] })[];
  /** Projects with activity in the window, most messages first. */
  projects: (UsageFigures & { projectId: string })[];
  /** Models that answered in the window (`metadata.model`; "unknown" when not recorded), most answers first. */
  models: (UsageFigures & { model: string })[];
}

/** `YYYY-MM-DD` of a time in the local time zone. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The window of the last `days` local days, today included: from the start of the first one to `now`. */
export function usageWindow(days: number, now = Date.now()): { since: number; until: number } {
  if (!Number.isInteger(days) || days < 1) {
    throw new ChatStorageError(
      'invalid-input',
      `usageWindow: days must be a positive whole number, got ${days}.`,
    );
  }
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - (days - 1));
  return { since: start.getTime(), until: now };
}

/** Checks a usage query and fills in `until`. */
export function checkUsageQuery(
  query: UsageQuery,
  now: number,
): Required<Omit<UsageQuery, 'projectId'>> & {
  projectId?: string;
} {
  const { since, until = now, projectId } = query ?? ({} as UsageQuery);
  if (!Number.isFinite(since) || since < 0) {
    throw new ChatStorageError(
      'invalid-input',
      `usageSummary: since must be a time in ms since epoch, got ${JSON.stringify(since)}.`,
    );
  }
  if (!Number.isFinite(until) || until < since) {
    throw new ChatStorageError(
      'invalid-input',
      `usageSummary: until (${JSON.stringify(until)}) must be a time at or after since (${since}).`,
    );
  }
  if (projectId !== undefined && (typeof projectId !== 'string' || !projectId)) {
    throw new ChatStorageError(
      'invalid-input',
      'usageSummary: projectId must be a non-empty string or left out.',
    );
  }
  return { since, until, ...(projectId !== undefined ? { projectId } : {}) };
}

const zero = (): UsageFigures => ({
  messages: 0,
  answers: 0,
  answersWithTokens: 0,
  inputTokens: 0,
  outputTokens: 0,
});

/** A reported token count: a non-negative number, else nothing (metadata is open to any shape). */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The tokens an answer's endpoint reported, from `metadata.tokens`. */
export function reportedTokens(
  message: Pick<Message, 'metadata'>,
): { input: number; output: number } | undefined {
  const tokens = message.metadata?.tokens as { input?: unknown; output?: unknown } | undefined;
  if (!tokens || typeof tokens !== 'object') return undefined;
  const input = count(tokens.input);
  const output = count(tokens.output);
  if (input === undefined && output === undefined) return undefined;
  return { input: input ?? 0, output: output ?? 0 };
}

function addTo(
  figures: UsageFigures,
  message: Message,
  tokens: { input: number; output: number } | undefined,
) {
  figures.messages++;
  if (message.role !== 'assistant') return;
  figures.answers++;
  if (!tokens) return;
  figures.answersWithTokens++;
  figures.inputTokens += tokens.input;
  figures.outputTokens += tokens.output;
}

/** Adds up messages one at a time; `result()` gives the summary. */
export class UsageTally {
  private readonly totals = zero();
  private readonly days = new Map<string, UsageFigures>();
  private readonly projects = new Map<string, UsageFigures>();
  private readonly models = new Map<string, UsageFigures>();
  /** Answers per model, per day. */
  private readonly dayModels = new Map<string, Map<string, number>>();

  constructor(
    readonly query: { projectId?: string; since: number; until: number },
    private readonly dayOf: (ms: number) => string = localDay,
  ) {}

  /** Whether a message belongs to the window and scope (adapters may hand in a few more than needed). */
  covers(message: Pick<Message, 'createdAt' | 'projectId' | 'role'>): boolean {
    const { since, until, projectId } = this.query;
    return (
      message.createdAt >= since &&
      message.createdAt <= until &&
      (projectId === undefined || message.projectId === projectId) &&
      (message.role === 'user' || message.role === 'assistant')
    );
  }

  add(message: Message): void {
    if (!this.covers(message)) return;
    const tokens = message.role === 'assistant' ? reportedTokens(message) : undefined;
    const day = this.dayOf(message.createdAt);
    addTo(this.totals, message, tokens);
    addTo(entry(this.days, day), message, tokens);
    addTo(entry(this.projects, message.projectId), message, tokens);
    if (message.role === 'assistant') {
      const model =
        typeof message.metadata?.model === 'string' && message.metadata.model
          ? message.metadata.model
          : 'unknown';
      addTo(entry(this.models, model), message, tokens);
      const models = this.dayModels.get(day) ?? new Map<string, number>();
      this.dayModels.set(day, models.set(model, (models.get(model) ?? 0) + 1));
    }
  }

  result(): UsageSummary {
    const { since, until } = this.query;
    const days: UsageSummary['days'] = [];
    // Day by day on the calendar, so that a daylight-saving change never skips or repeats a day.
    const at = new Date(since);
    for (let day = this.dayOf(at.getTime()); ; ) {
      const models = [...(this.dayModels.get(day) ?? [])]
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
        .map(([model]) => model);
      days.push({ day, ...(this.days.get(day) ?? zero()), models });
      at.setDate(at.getDate() + 1);
      at.setHours(0, 0, 0, 0);
      if (at.getTime() > until) break;
      day = this.dayOf(at.getTime());
    }
    const projects = [...this.projects].map(([projectId, f]) => ({ projectId, ...f }));
    projects.sort((a, b) => b.messages - a.messages || a.projectId.localeCompare(b.projectId));
    const models = [...this.models].map(([model, f]) => ({ model, ...f }));
    models.sort((a, b) => b.answers - a.answers || a.model.localeCompare(b.model));
    return { since, until, totals: { ...this.totals }, days, projects, models };
  }
}

function entry(map: Map<string, UsageFigures>, key: string): UsageFigures {
  let figures = map.get(key);
  if (!figures) {
    figures = zero();
    map.set(key, figures);
  }
  return figures;
}
