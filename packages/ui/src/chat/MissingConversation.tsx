// What a link to a conversation shows when the conversation is not on this
// device: so it says, and with sync on it asks the server first (the
// conversation opens by itself once it arrives).
import { useEffect, useState } from 'react';
import { useSyncSettings, whenSyncStarted } from '../sync/sync-service.js';

export function MissingConversation({ conversationId }: { conversationId: string }) {
  const syncing = useSyncSettings((s) => s.enabled && !!s.account);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    if (!syncing) return;
    let live = true;
    setChecked(false);
    const done = () => {
      if (live) setChecked(true);
    };
    // A pull brings it when it exists; on a new device still downloading, it is fetched first.
    // A link opened in a new tab gets here before the app has started sync: wait for it, or
    // the server would be said not to have it without being asked.
    whenSyncStarted()
      .then(async (runtime) => {
        await runtime.syncNow();
        await runtime.prioritize(conversationId);
      })
      .then(done, done);
    return () => {
      live = false;
    };
  }, [conversationId, syncing]);

  return (
    <div className="empty-state" role="status">
      <h2>This conversation is not on this device</h2>
      {!syncing ? (
        <p>
          It was deleted, or it was made on another device: turn on “Sync across devices” in Settings to bring
          it here.
        </p>
      ) : checked ? (
        <p>The sync server does not have it either: it was deleted, or belongs to another account.</p>
      ) : (
        <p>Looking for it on the sync server…</p>
      )}
    </div>
  );
}
