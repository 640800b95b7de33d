import { isUnfinished, recoverInterrupted } from '@chatkeep/storage';
import { useEffect } from 'react';
import { useMessages } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { isLiveHere, streamLocks } from './chat-controller.js';

const POLL_MS = 2000;

/**
 * Marks the open conversation's cut-off answers interrupted. While another
 * tab streams into it, checks again every few seconds, so that the answer is
 * marked once that tab is closed.
 */
export function useInterruptedRecovery(conversationId: string | null) {
  const storage = useStorage();
  const { messages } = useMessages(conversationId);
  const unfinished = messages.some(isUnfinished);

  useEffect(() => {
    if (!conversationId || !unfinished) return;
    let cancelled = false;
    const check = () => {
      if (cancelled || isLiveHere(conversationId)) return;
      recoverInterrupted(storage, streamLocks(), conversationId).catch(() => {
        // A failed check is retried on the next tick.
      });
    };
    check();
    const timer = setInterval(check, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [storage, conversationId, unfinished]);
}
