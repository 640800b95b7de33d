// Opening a conversation while a new device still downloads its history:
// ask the sync engine (in whichever tab leads) to fetch this one first, and
// tell the view whether it is still on its way.
import { useEffect, useState } from 'react';
import { getSyncRuntime, useSyncStatus } from './sync-service.js';

/** True while `conversationId`'s messages are being downloaded on demand. */
export function useConversationDownload(conversationId: string | null): boolean {
  const downloading = !!useSyncStatus().backfill;
  const [waitingFor, setWaitingFor] = useState<string | null>(null);

  useEffect(() => {
    if (!conversationId || !downloading) return;
    let current = true;
    setWaitingFor(conversationId);
    const done = () => {
      if (current) setWaitingFor((id) => (id === conversationId ? null : id));
    };
    getSyncRuntime()?.prioritize(conversationId).then(done, done);
    return () => {
      current = false;
    };
  }, [conversationId, downloading]);

  return downloading && waitingFor !== null && waitingFor === conversationId;
}
