// Reads both legacy layouts out of a Storage and turns them into the
// conversations to write, without writing anything. Any problem with the
// stored data throws a MigrationProblem naming the key and what to do, so
// that a bad key stops the migration before the first write.
import '../zod-config.js';
import { z } from 'zod';
import { boundedId, convertAiSdkMessages, type SkippedEntry } from '../ai-sdk/convert.js';
import { truncate } from '../ai-sdk/json.js';
import { toEpochMs } from '../ai-sdk/time.js';
import { describeZodError } from '../schema.js';
import type { ConversationInput, MessageInput } from '../types.js';
import { LEGACY_THREADS_KEY, legacyMessagesKey, singleHistoryConversationId } from './keys.js';

export class MigrationProblem extends Error {
  override readonly name = 'MigrationProblem';
}

export interface PlannedConversation {
  conversation: ConversationInput;
  messages: MessageInput[];
}

export interface MigrationPlan {
  conversations: PlannedConversation[];
  /** Every legacy key read; removed once all conversations are committed. */
  keys: string[];
  skipped: SkippedEntry[];
}

const threadSchema = z.looseObject({
  id: z.string().min(1, 'must be a non-empty string').max(200, 'must be at most 200 characters'),
  title: z.string().optional().catch(undefined),
  createdAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  model: z
    .looseObject({ providerId: z.string().optional(), modelId: z.string().optional() })
    .optional()
    .catch(undefined),
  messageCount: z.number().optional().catch(undefined),
  preview: z.string().optional().catch(undefined),
});
const threadIndexSchema = z.array(threadSchema);
type Thread = z.infer<typeof threadSchema>;

const LEAVE_UNTOUCHED = 'Nothing was changed and the old history is still in place';

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function readKey(storage: Storage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch (error) {
    throw new MigrationProblem(
      `The browser refused to read localStorage key "${key}" (${(error as Error)?.message ?? error}). ${LEAVE_UNTOUCHED}; allow site storage and run the migration again.`,
    );
  }
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MigrationProblem(
      `localStorage key "${key}" does not hold valid JSON (${(error as Error).message}). ${LEAVE_UNTOUCHED}; repair or delete that key, then run the migration again.`,
    );
  }
}

function parseMessageArray(key: string, text: string): unknown[] {
  const value = parseJson(key, text);
  if (!Array.isArray(value)) {
    throw new MigrationProblem(
      `localStorage key "${key}" should hold an array of chat messages but holds ${describeValue(value)}. ${LEAVE_UNTOUCHED}; repair or delete that key, then run the migration again.`,
    );
  }
  return value;
}

/** The first line of the first user message: what a person would have called the chat. */
function titleFrom(messages: MessageInput[]): string | undefined {
  const first = messages.find((m) => m.role === 'user' && m.content.trim() !== '');
  const line = first?.content.trim().split('\n')[0]?.trim();
  return line ? truncate(line, 80) : undefined;
}

function span(messages: MessageInput[]): { first?: number; last?: number } {
  const times = messages.map((m) => m.createdAt).filter((t): t is number => typeof t === 'number');
  return times.length ? { first: Math.min(...times), last: Math.max(...times) } : {};
}

function prefixed(skipped: SkippedEntry[], where: string): SkippedEntry[] {
  return skipped.map((s) => ({ ...s, reason: `${where}: ${s.reason}` }));
}

export function planSingleHistory(
  storage: Storage,
  key: string,
  projectId: string,
  now: number,
): MigrationPlan | undefined {
  const text = readKey(storage, key);
  if (text === null) return undefined;
  const raw = parseMessageArray(key, text);
  const id = singleHistoryConversationId(key);
  const { messages, skipped } = convertAiSdkMessages(raw, { conversationId: id, projectId, now });
  const plan: MigrationPlan = { conversations: [], keys: [key], skipped: prefixed(skipped, key) };
  if (messages.length === 0) return plan;
  const { first, last } = span(messages);
  plan.conversations.push({
    conversation: {
      id,
      projectId,
      title: titleFrom(messages) ?? 'Imported chat',
      createdAt: first ?? now,
      updatedAt: last ?? now,
    },
    messages,
  });
  return plan;
}

/** Stamps the thread's model on its assistant messages, unless a message names its own. */
function withThreadModel(messages: MessageInput[], model: Thread['model']): MessageInput[] {
  if (!model?.modelId && !model?.providerId) return messages;
  return messages.map((m) => {
    if (m.role !== 'assistant') return m;
    const metadata = { ...m.metadata };
    if (model.modelId && metadata.model === undefined) metadata.model = model.modelId;
    if (model.providerId && metadata.provider === undefined) metadata.provider = model.providerId;
    return { ...m, metadata };
  });
}

export function planThreads(storage: Storage, projectId: string, now: number): MigrationPlan | undefined {
  const text = readKey(storage, LEGACY_THREADS_KEY);
  if (text === null) return undefined;
  const index = parseJson(LEGACY_THREADS_KEY, text);
  const parsed = threadIndexSchema.safeParse(index);
  if (!parsed.success) {
    const what = Array.isArray(index)
      ? describeZodError(parsed.error, LEGACY_THREADS_KEY)
      : `it should hold an array of threads but holds ${describeValue(index)}`;
    throw new MigrationProblem(
      `localStorage key "${LEGACY_THREADS_KEY}" is not a thread list (${what}). ${LEAVE_UNTOUCHED}; repair or delete that key, then run the migration again.`,
    );
  }
  const plan: MigrationPlan = { conversations: [], keys: [LEGACY_THREADS_KEY], skipped: [] };
  const seen = new Set<string>();
  for (const thread of parsed.data) {
    if (seen.has(thread.id)) {
      plan.skipped.push({
        id: thread.id,
        reason: `Thread ${thread.id} is listed twice; the first entry was used.`,
      });
      continue;
    }
    seen.add(thread.id);
    const key = legacyMessagesKey(thread.id);
    const stored = readKey(storage, key);
    const createdAt = toEpochMs(thread.createdAt);
    const updatedAt = toEpochMs(thread.updatedAt);
    let messages: MessageInput[] = [];
    if (stored === null) {
      if (!thread.messageCount) {
        // LeanSpec indexed a new thread before its first message; there is nothing to keep.
        plan.skipped.push({
          id: thread.id,
          reason: `Thread ${thread.id} has no messages; it was not migrated.`,
        });
        continue;
      }
      plan.skipped.push({
        id: thread.id,
        reason: `Thread ${thread.id} lists ${thread.messageCount} messages but "${key}" is missing; the conversation was kept with its title and dates, without messages.`,
      });
    } else {
      plan.keys.push(key);
      const raw = parseMessageArray(key, stored);
      const converted = convertAiSdkMessages(raw, {
        conversationId: thread.id,
        projectId,
        now: createdAt ?? now,
      });
      messages = withThreadModel(converted.messages, thread.model);
      plan.skipped.push(...prefixed(converted.skipped, key));
    }
    const { first, last } = span(messages);
    const created = createdAt ?? first ?? updatedAt ?? now;
    plan.conversations.push({
      conversation: {
        id: thread.id,
        projectId,
        title: truncate(
          thread.title?.trim() || titleFrom(messages) || thread.preview?.trim() || 'Imported chat',
          500,
        ),
        createdAt: created,
        updatedAt: Math.max(updatedAt ?? last ?? created, created),
      },
      messages,
    });
  }
  return plan;
}

/**
 * Message ids are global. When two legacy conversations hold the same message
 * (a chat copied into a thread), the later one gets the id prefixed with its
 * conversation id: still deterministic, so re-runs do not duplicate.
 */
export function separateSharedIds(conversations: PlannedConversation[]): void {
  const owner = new Map<string, string>();
  for (const planned of conversations) {
    const conversationId = planned.conversation.id;
    planned.messages = planned.messages.map((m) => {
      const claimed = owner.get(m.id);
      if (claimed === undefined || claimed === conversationId) {
        owner.set(m.id, conversationId);
        return m;
      }
      const id = boundedId(`${conversationId}:${m.id}`);
      owner.set(id, conversationId);
      return { ...m, id };
    });
  }
}
