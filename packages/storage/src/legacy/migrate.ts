// Moves LeanSpec's localStorage chat history into a Chatkeep adapter.
// Everything is read and converted first; each conversation is then written
// with one saveConversation call (one transaction); the old keys are removed
// only after every conversation is committed and read back. Ids are
// deterministic, so a run that failed half-way, or a second run over keys
// that were somehow left behind, updates in place instead of duplicating.
import type { SkippedEntry } from '../ai-sdk/convert.js';
import { ChatStorageError, isQuotaError } from '../errors.js';
import type { ChatStorageAdapter } from '../types.js';
import { LEGACY_DEFAULT_PROJECT, LEGACY_HISTORY_KEY } from './keys.js';
import {
  type MigrationPlan,
  MigrationProblem,
  type PlannedConversation,
  planSingleHistory,
  planThreads,
  separateSharedIds,
} from './plan.js';

export interface MigrateLegacyOptions {
  /** Where the legacy keys live; the page's localStorage by default. */
  storage?: Storage;
  /** The single-history key; `leanspec-chat-history` by default. */
  key?: string;
  /** The project migrated chats go to; `default` by default. */
  projectId?: string;
  /** Start time for messages that carry no date (ms since epoch); now by default. */
  now?: number;
}

export interface MigrationResult {
  status: 'migrated' | 'nothing-to-migrate' | 'failed';
  /** Conversations written (on failure: those already committed, which a re-run updates in place). */
  conversationIds: string[];
  /** Messages written, tool messages included. */
  messages: number;
  /** What went wrong and what to do, when status is 'failed'. */
  error?: string;
  /** Legacy entries that were not chat messages, or threads without messages, with the reason. */
  skipped: SkippedEntry[];
}

function pageLocalStorage(): Storage | undefined {
  try {
    return typeof globalThis.localStorage === 'object' ? globalThis.localStorage : undefined;
  } catch {
    // Some browsers throw on mere access when site data is blocked.
    return undefined;
  }
}

function failed(
  error: string,
  done: PlannedConversation[] = [],
  skipped: SkippedEntry[] = [],
): MigrationResult {
  return {
    status: 'failed',
    conversationIds: done.map((c) => c.conversation.id),
    messages: done.reduce((n, c) => n + c.messages.length, 0),
    error,
    skipped,
  };
}

function writeFailure(planned: PlannedConversation, error: unknown): string {
  const what = `Saving the migrated chat "${planned.conversation.title}" (${planned.conversation.id}) failed`;
  const keep = 'The old history in localStorage was left untouched';
  if (isQuotaError(error)) {
    return `${what}: browser storage is full. ${keep}; free space (export and delete old conversations, or allow this site more storage), then run the migration again.`;
  }
  const reason = error instanceof Error ? error.message : String(error);
  return `${what}: ${reason} ${keep}; fix the problem, then run the migration again.`;
}

function buildPlan(storage: Storage, key: string, projectId: string, now: number): MigrationPlan {
  const parts = [planSingleHistory(storage, key, projectId, now), planThreads(storage, projectId, now)];
  const plan: MigrationPlan = { conversations: [], keys: [], skipped: [] };
  for (const part of parts) {
    if (!part) continue;
    plan.conversations.push(...part.conversations);
    plan.keys.push(...part.keys);
    plan.skipped.push(...part.skipped);
  }
  separateSharedIds(plan.conversations);
  return plan;
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * Two tabs opening at once would both migrate; the result would be the same
 * (ids are deterministic) but the work doubled, so tabs take turns when the
 * browser has Web Locks. The second tab then finds the keys gone.
 */
export function migrateLegacyHistory(
  adapter: ChatStorageAdapter,
  opts: MigrateLegacyOptions = {},
): Promise<MigrationResult> {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  const run = () => migrate(adapter, opts);
  return locks ? locks.request('chatkeep:legacy-migration', run) : run();
}

async function migrate(adapter: ChatStorageAdapter, opts: MigrateLegacyOptions): Promise<MigrationResult> {
  const key = opts.key ?? LEGACY_HISTORY_KEY;
  const projectId = opts.projectId ?? LEGACY_DEFAULT_PROJECT;
  if (typeof key !== 'string' || !key) return failed('migrateLegacyHistory: key must be a non-empty string.');
  if (typeof projectId !== 'string' || !projectId || projectId.length > 200) {
    return failed('migrateLegacyHistory: projectId must be a non-empty string of at most 200 characters.');
  }
  const storage = opts.storage ?? pageLocalStorage();
  if (!storage) return { status: 'nothing-to-migrate', conversationIds: [], messages: 0, skipped: [] };

  let plan: MigrationPlan;
  try {
    plan = buildPlan(storage, key, projectId, opts.now ?? Date.now());
  } catch (error) {
    if (error instanceof MigrationProblem || error instanceof ChatStorageError) return failed(error.message);
    throw error;
  }
  if (plan.keys.length === 0) {
    return { status: 'nothing-to-migrate', conversationIds: [], messages: 0, skipped: [] };
  }

  const done: PlannedConversation[] = [];
  for (const planned of plan.conversations) {
    try {
      await adapter.saveConversation(planned.conversation, planned.messages);
      // Read back before trusting the write enough to delete the only other copy.
      const stored = await adapter.getConversation(planned.conversation.id);
      if (!stored || stored.messageCount < planned.messages.length) {
        throw new ChatStorageError(
          'migration-failed',
          `after saving, the conversation holds ${stored?.messageCount ?? 0} of its ${planned.messages.length} messages.`,
        );
      }
    } catch (error) {
      return failed(writeFailure(planned, error), done, plan.skipped);
    }
    done.push(planned);
  }

  const result: MigrationResult = {
    status: done.length > 0 ? 'migrated' : 'nothing-to-migrate',
    conversationIds: done.map((c) => c.conversation.id),
    messages: done.reduce((n, c) => n + c.messages.length, 0),
    skipped: plan.skipped,
  };
  try {
    for (const k of plan.keys) storage.removeItem(k);
  } catch (error) {
    // Everything is saved; leftover keys only mean the next run re-imports the same ids in place.
    result.error = `The chats were migrated, but the old localStorage keys could not be removed (${(error as Error)?.message ?? error}). Running the migration again is safe.`;
  }
  return result;
}
