// Appending one message to the long conversation: Chatkeep's saveMessage,
// the same write on Dexie, and the legacy blob (read, parse, push, stringify,
// write back). Chromium's localStorage quota cannot hold the 10,000-message
// history, so the blob is measured at every size up to the largest it holds.
import type { Message, MessageInput } from '@chatkeep/storage';
import { bigConversationIndex, generateConversation } from '../shared/dataset.js';
import { context } from './context.js';
import { LegacyBlob } from './legacy-baseline.js';
import { inTurns, timed } from './reads.js';

/** Blob sizes measured below the largest that fits. */
const LEGACY_SIZES = [1000, 2500, 5000];

export interface AppendRuns {
  chatkeep: number[];
  dexie: number[];
  /** Messages in the long conversation when Chatkeep and Dexie appended to it. */
  historyMessages: number;
  /** The blob's runs per history size, smallest first; the last is the largest that fits. */
  legacy: { messages: number; runs: number[] }[];
}

let appended = 0;

/** A new message of about the dataset's mean size (500 B). */
function newMessage(conversationId: string, projectId: string): MessageInput {
  appended += 1;
  const now = Date.now();
  return {
    id: `bench-append-${now}-${appended}`,
    conversationId,
    projectId,
    role: 'user',
    content: `Appended question ${appended}: ${'how does this history keep growing without slowing down? '.repeat(8)}`,
    status: 'complete',
    createdAt: now,
    updatedAt: now,
  };
}

function isQuota(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22);
}

/**
 * The blob's append at one history size. Appending grows the blob, so a size
 * that fits with no room to spare is retried a little smaller.
 */
function legacyAt(
  legacy: LegacyBlob,
  history: Message[],
  size: number,
  runs: number,
  conversationId: string,
  projectId: string,
): { messages: number; runs: number[] } | undefined {
  for (let messages = Math.min(size, history.length); messages > 0; messages = Math.floor(messages * 0.97)) {
    legacy.clear();
    const held = legacy.fill(history.slice(history.length - messages));
    try {
      const times: number[] = [];
      // One unmeasured append first, as for every other system.
      for (let i = 0; i <= runs; i++) {
        const t = performance.now();
        legacy.appendFromStorage(newMessage(conversationId, projectId));
        if (i > 0) times.push(performance.now() - t);
      }
      return { messages: held, runs: times };
    } catch (error) {
      if (!isQuota(error)) throw error;
    } finally {
      legacy.clear();
    }
  }
  return undefined;
}

export async function appendMessage(runs: number): Promise<AppendRuns> {
  const { chatkeep, dexie, bigConversationId, spec } = context();
  const { chatkeep: chatkeepRuns, dexie: dexieRuns } = await inTurns(runs, {
    chatkeep: timed(() => chatkeep.saveMessage(newMessage(bigConversationId, spec.projectId))),
    dexie: timed(() => dexie.saveMessage(newMessage(bigConversationId, spec.projectId))),
  });
  const historyMessages = (await chatkeep.getConversation(bigConversationId))?.messageCount ?? 0;

  const { messages: history } = generateConversation(spec, bigConversationIndex(spec));
  const legacy = new LegacyBlob();
  legacy.clear();
  // The largest history the quota holds, newest messages kept.
  const largest = legacy.fill(history);
  legacy.clear();
  const sizes = [...LEGACY_SIZES.filter((n) => n < largest), largest];
  const legacyRuns: AppendRuns['legacy'] = [];
  for (const size of sizes) {
    const measured = legacyAt(legacy, history, size, runs, bigConversationId, spec.projectId);
    if (measured) legacyRuns.push(measured);
  }
  if (legacyRuns.length === 0) throw new Error('the localStorage blob could not hold any history');
  return { chatkeep: chatkeepRuns, dexie: dexieRuns, historyMessages, legacy: legacyRuns };
}
