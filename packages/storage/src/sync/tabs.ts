// What the engines of one database's tabs tell each other: the leader
// shares its status, followers ask it to sync now, and a new sign-in in any
// tab reaches the leader.
import type { SharedKey } from './encryption.js';
import type { SyncEngineStatus } from './status.js';

export type TabMessage =
  | { type: 'status'; status: SyncEngineStatus }
  | { type: 'status-request' }
  | { type: 'sync-request'; requestId: string }
  | { type: 'sync-done'; requestId: string; status: SyncEngineStatus }
  | { type: 'token'; token: string | null; userId?: string }
  /** A follower opened a conversation whose messages are still downloading (backfill.ts). */
  | { type: 'prioritize'; requestId: string; conversationId: string }
  | { type: 'prioritized'; requestId: string }
  /**
   * A tab changed or unlocked the encryption keys: the others read them
   * again. `key` is the key it unlocked, as a non-extractable CryptoKey
   * (structured clone): its bits stay inside WebCrypto and nothing is stored,
   * so a key not remembered on this device still reaches the syncing tab.
   */
  | { type: 'encryption'; key?: SharedKey }
  /** A tab dismissed quarantine reports: the leader reads them again. */
  | { type: 'quarantine' };

export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

export function openTabChannel(name: string, onMessage: (message: TabMessage) => void): TabChannel {
  if (typeof BroadcastChannel !== 'function') return { post() {}, close() {} };
  const channel = new BroadcastChannel(`chatkeep-sync:${name}`);
  (channel as unknown as { unref?: () => void }).unref?.();
  channel.onmessage = (event: MessageEvent<TabMessage>) => {
    if (event.data && typeof event.data === 'object' && 'type' in event.data) onMessage(event.data);
  };
  let closed = false;
  return {
    post(message) {
      if (!closed) channel.postMessage(message);
    },
    close() {
      closed = true;
      channel.close();
    },
  };
}
