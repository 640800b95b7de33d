import { useState } from 'react';

export const CLEARED_NOTICE_KEY = 'chatkeep-cleared';

/** Read once per page load: the note is shown once. */
const clearedAtLoad = (() => {
  try {
    const raw = globalThis.sessionStorage?.getItem(CLEARED_NOTICE_KEY);
    globalThis.sessionStorage?.removeItem(CLEARED_NOTICE_KEY);
    return raw ? (JSON.parse(raw) as { conversations: number; messages: number }) : undefined;
  } catch {
    return undefined;
  }
})();

/** After "Clear all conversations" reloaded the page: says what was deleted, and where. */
export function ClearedNotice() {
  const [cleared, setCleared] = useState(clearedAtLoad);
  if (!cleared) return null;
  return (
    <div className="banner banner-info" role="status" aria-label="Cleared notice">
      Cleared {cleared.conversations} {cleared.conversations === 1 ? 'conversation' : 'conversations'} (
      {cleared.messages} {cleared.messages === 1 ? 'message' : 'messages'}) from this browser only. Nothing
      was deleted on the sync server or your other devices.
      <button type="button" className="link-button" onClick={() => setCleared(undefined)}>
        Dismiss
      </button>
    </div>
  );
}
