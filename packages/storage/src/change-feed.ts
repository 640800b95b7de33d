// Delivers committed writes to subscribers in this tab and, through a
// BroadcastChannel named after the database, to every other tab.
import type { StorageChange } from './types.js';

type Listener = (change: StorageChange) => void;

export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private readonly channel: BroadcastChannel | undefined;

  constructor(channelName: string) {
    this.channel =
      typeof BroadcastChannel === 'function' ? new BroadcastChannel(`chatkeep:${channelName}`) : undefined;
    if (this.channel) {
      this.channel.onmessage = (event: MessageEvent<StorageChange>) =>
        this.deliver({ ...event.data, origin: 'other-tab' });
      // In Node, an open channel would keep the process alive.
      (this.channel as unknown as { unref?: () => void }).unref?.();
    }
  }

  /** Call after the transaction committed, never before. */
  emit(change: StorageChange): void {
    if (change.conversations.length === 0 && change.messages.length === 0 && !change.projects?.length) return;
    this.deliver(change);
    this.channel?.postMessage(change);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.channel?.close();
  }

  private deliver(change: StorageChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        // One broken listener must not stop the others from hearing about the write.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
