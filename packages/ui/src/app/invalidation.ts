// Turns the adapter's change feed into query invalidations. A stream writes
// ten times a second; changes are gathered for one frame so each query
// refetches once per batch instead of once per write.
import type { StorageChange } from '@chatkeep/storage';
import type { QueryClient } from '@tanstack/react-query';
import { keysForChange } from './query-keys.js';

export function createInvalidator(
  client: Pick<QueryClient, 'invalidateQueries'>,
  schedule: (fn: () => void) => void = (fn) => setTimeout(fn, 16),
): (change: StorageChange) => void {
  const pending = new Map<string, readonly string[]>();
  let scheduled = false;
  return (change) => {
    for (const key of keysForChange(change)) pending.set(JSON.stringify(key), key);
    if (scheduled) return;
    scheduled = true;
    schedule(() => {
      scheduled = false;
      const keys = [...pending.values()];
      pending.clear();
      // By prefix: a conversation's tree key covers the versions of each of its messages.
      for (const queryKey of keys) void client.invalidateQueries({ queryKey });
    });
  };
}
