// Reads for usage figures and tags: only what the window or the project
// needs, through the indexes, in one read-only transaction.
import { collectTags, type TagCount } from '../tags/tags.js';
import type { Conversation } from '../types.js';
import { checkUsageQuery, type UsageQuery, type UsageSummary, UsageTally } from '../usage/summary.js';
import { type Db, projectRange } from './tx.js';

/** Conversations whose messages are read at once: bounds memory on long windows of big histories. */
const CONVERSATIONS_PER_BATCH = 25;

/**
 * A message written at time t leaves its conversation's updatedAt at t or
 * later (every write keeps the greater), so the conversations active in the
 * window are found by the (projectId, updatedAt) index, and in each only the
 * window's messages are read through (conversationId, createdAt, id).
 */
export async function readUsage(db: Db, query: UsageQuery, now: number): Promise<UsageSummary> {
  const window = checkUsageQuery(query, now);
  const tally = new UsageTally(window);
  const tx = db.transaction(['projects', 'conversations', 'messages'], 'readonly');
  const projectIds = window.projectId ? [window.projectId] : await tx.objectStore('projects').getAllKeys();
  const byUpdated = tx.objectStore('conversations').index('byProjectUpdated');
  const active: string[] = [];
  for (const projectId of projectIds) {
    const range = IDBKeyRange.bound([projectId, window.since], [projectId, Number.POSITIVE_INFINITY]);
    active.push(...((await byUpdated.getAllKeys(range)) as string[]));
  }
  const byCreated = tx.objectStore('messages').index('byConversationCreated');
  for (let i = 0; i < active.length; i += CONVERSATIONS_PER_BATCH) {
    const pages = await Promise.all(
      active.slice(i, i + CONVERSATIONS_PER_BATCH).map((id) =>
        // [id, until, []] sorts after every [id, until, <string id>]: the range ends with the window.
        byCreated.getAll(IDBKeyRange.bound([id, window.since], [id, window.until, []])),
      ),
    );
    for (const page of pages) for (const message of page) tally.add(message);
  }
  await tx.done;
  return tally.result();
}

/** Every tag used in the project (archived conversations included), with how many conversations carry it. */
export async function readTags(db: Db, projectId: string): Promise<TagCount[]> {
  const all: Conversation[] = await db.getAllFromIndex(
    'conversations',
    'byProjectUpdated',
    projectRange(projectId),
  );
  return collectTags(all.reverse());
}
