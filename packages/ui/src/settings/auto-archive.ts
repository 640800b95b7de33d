// Auto-archive: conversations untouched for N days leave the main list (they
// stay in "Archived", searchable and synced). Runs when the app starts, then
// daily, and whenever N changes. Pinned conversations are kept out of it:
// pinning says "keep this at hand".
import type { ChatStorageAdapter, Conversation } from '@chatkeep/storage';

export const DAY_MS = 24 * 60 * 60 * 1000;

export function isDueForArchive(conversation: Conversation, days: number, now: number): boolean {
  if (days <= 0 || conversation.archived || conversation.pinned) return false;
  return now - conversation.updatedAt >= days * DAY_MS;
}

/** Archives every due conversation of every project; resolves with how many it archived. */
export async function autoArchive(adapter: ChatStorageAdapter, days: number, now: number): Promise<number> {
  if (!Number.isInteger(days) || days <= 0) return 0;
  let archived = 0;
  for (const projectId of await adapter.listProjects()) {
    for (const conversation of await adapter.listConversations(projectId)) {
      if (!isDueForArchive(conversation, days, now)) continue;
      // Re-read: another tab or sync may have touched it since the list was read.
      const current = await adapter.getConversation(conversation.id);
      if (!current || !isDueForArchive(current, days, now)) continue;
      await adapter.updateConversation(conversation.id, { archived: true });
      archived++;
    }
  }
  return archived;
}

export interface AutoArchiveSchedule {
  adapter: ChatStorageAdapter;
  getDays(): number;
  /** Calls back when the number of days changes; returns an unsubscribe. */
  onDaysChange(listener: () => void): () => void;
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  onError?: (error: unknown) => void;
}

/** Runs auto-archive now, every day after, and on every change of the setting. */
export function scheduleAutoArchive(opts: AutoArchiveSchedule): () => void {
  const now = opts.now ?? Date.now;
  const every = opts.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const stopEvery = opts.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>));
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => autoArchive(opts.adapter, opts.getDays(), now()))
      .catch((error: unknown) => opts.onError?.(error));
  };
  run();
  const handle = every(run, DAY_MS);
  const unsubscribe = opts.onDaysChange(run);
  return () => {
    stopEvery(handle);
    unsubscribe();
  };
}
