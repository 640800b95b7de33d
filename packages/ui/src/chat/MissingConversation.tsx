// What a link to a conversation shows when the conversation is not on this
// device: so it says, and with sync on it asks the server first (the
// conversation opens by itself once it arrives).
import type { SyncState } from '@chatkeep/storage';
import { useEffect, useState } from 'react';
import { useOnline } from '../data/use-online.js';
import { useSyncSettings, whenSyncStarted } from '../sync/sync-service.js';

/** What asking the sync server came to: still asking, asked (and it is not there), or not asked. */
type Lookup = 'asking' | 'absent' | 'unreachable' | 'stalled';

/** Only after a sync that reached the server may the page say the server does not have it. */
function lookupAfter(state: SyncState): Lookup {
  if (state === 'offline') return 'unreachable';
  if (state === 'error' || state === 'locked' || state === 'signed-out') return 'stalled';
  return 'absent';
}

export function MissingConversation({ conversationId }: { conversationId: string }) {
  const syncing = useSyncSettings((s) => s.enabled && !!s.account);
  const [lookup, setLookup] = useState<Lookup>('asking');
  // Back online, the server is asked again.
  const online = useOnline();

  useEffect(() => {
    if (!syncing || !online) {
      setLookup('unreachable');
      return;
    }
    let live = true;
    setLookup('asking');
    const settle = (outcome: Lookup) => {
      if (live) setLookup(outcome);
    };
    // A pull brings it when it exists; on a new device still downloading, it is fetched first.
    // A link opened in a new tab gets here before the app has started sync: wait for it, or
    // the server would be said not to have it without being asked.
    whenSyncStarted()
      .then(async (runtime) => {
        await runtime.syncNow();
        const outcome = lookupAfter(runtime.getStatus().state);
        if (outcome === 'absent') await runtime.prioritize(conversationId);
        return outcome;
      })
      .then(settle, () => settle('stalled'));
    return () => {
      live = false;
    };
  }, [conversationId, syncing, online]);

  return (
    <div className="empty-state" role="status">
      <h2>This conversation is not on this device</h2>
      {!syncing ? (
        <p>
          It was deleted, or it was made on another device: turn on “Sync across devices” in Settings to bring
          it here.
        </p>
      ) : lookup === 'absent' ? (
        <p>The sync server does not have it either: it was deleted, or belongs to another account.</p>
      ) : lookup === 'unreachable' ? (
        <p>
          You are offline, or the sync server cannot be reached: it opens here by itself once sync brings it,
          if it exists.
        </p>
      ) : lookup === 'stalled' ? (
        <p>
          Sync is not working just now (its status is below the conversation list): it opens here by itself
          once sync brings it, if it exists.
        </p>
      ) : (
        <p>Looking for it on the sync server…</p>
      )}
    </div>
  );
}
