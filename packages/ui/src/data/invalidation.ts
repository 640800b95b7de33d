// Turns the adapter's change feed into query invalidations. A stream writes
// ten times a second; changes are gathered for one frame so each query
// refetches once per batch instead of once per write.
//
// Lists (the sidebar's conversations, the projects) re-read every
// conversation of a project: writes that come from elsewhere (the sync, other
// tabs) refresh them at most once per `listEveryMs`, so that a new device's
// history download, a write of a thousand records every few hundred
// milliseconds, does not re-read and re-render the sidebar at each one. The
// first such write after a quiet spell still shows within a frame, and this
// tab's own writes always do.
import type { StorageChange } from '@chatkeep/storage';
import type { QueryClient } from '@tanstack/react-query';
import { isListKey, keysForChange } from './query-keys.js';

export interface InvalidatorTiming {
  /** Runs `fn` after `ms` (default: setTimeout). */
  later?: (fn: () => void, ms: number) => void;
  now?: () => number;
  /** Gathering time for a burst of writes (default one frame, 16 ms). */
  frameMs?: number;
  /** How often lists refresh for writes from elsewhere (default 1 s). */
  listEveryMs?: number;
}

export function createInvalidator(
  client: Pick<QueryClient, 'invalidateQueries'>,
  timing: InvalidatorTiming = {},
): (change: StorageChange) => void {
  const later = timing.later ?? ((fn, ms) => void setTimeout(fn, ms));
  const now = timing.now ?? Date.now;
  const frameMs = timing.frameMs ?? 16;
  const listEveryMs = timing.listEveryMs ?? 1000;
  const pending = new Map<string, readonly string[]>();
  const lists = new Map<string, readonly string[]>();
  let scheduled = false;
  let listsScheduled = false;
  let listsAt = Number.NEGATIVE_INFINITY;

  const invalidate = (keys: Map<string, readonly string[]>) => {
    const all = [...keys.values()];
    keys.clear();
    // By prefix: a conversation's tree key covers the versions of each of its messages.
    for (const queryKey of all) void client.invalidateQueries({ queryKey });
  };
  const flushLists = () => {
    listsScheduled = false;
    listsAt = now();
    invalidate(lists);
  };

  return (change) => {
    const fromElsewhere = change.origin !== 'local';
    for (const key of keysForChange(change)) {
      const id = JSON.stringify(key);
      if (fromElsewhere && isListKey(key)) {
        if (!pending.has(id)) lists.set(id, key);
      } else {
        lists.delete(id);
        pending.set(id, key);
      }
    }
    if (lists.size > 0 && !listsScheduled) {
      listsScheduled = true;
      later(flushLists, Math.max(frameMs, listsAt + listEveryMs - now()));
    }
    if (pending.size === 0 || scheduled) return;
    scheduled = true;
    later(() => {
      scheduled = false;
      // A list refreshed now needs no refresh from elsewhere's writes for a while.
      for (const id of pending.keys()) lists.delete(id);
      if ([...pending.values()].some(isListKey)) listsAt = now();
      invalidate(pending);
    }, frameMs);
  };
}
