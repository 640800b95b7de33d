// Sends the messages waiting for the network, from one tab only: the tab
// elected over Web Locks (the same election as sync), when it starts or takes
// over, when the browser comes back online, and every minute while an
// endpoint stays out of reach. The claim in sendQueued makes a message go
// once even if two tabs ever try together.
import { type ChatStorageAdapter, electLeader, systemTimers } from '@chatkeep/storage';
import { sendQueued } from '../chat/chat-controller.js';

const RETRY_MS = 60_000;

let started = false;

export function startOutbox(storage: ChatStorageAdapter): void {
  if (started) return;
  started = true;
  const leadership = electLeader({ name: 'chatkeep-outbox-sender', timers: systemTimers });
  const flush = () => {
    if (!leadership.isLeader || !navigator.onLine) return;
    sendQueued(storage).catch((error: unknown) => console.warn('Waiting messages were not sent:', error));
  };
  leadership.onChange((leader) => {
    if (leader) flush();
  });
  flush();
  window.addEventListener('online', flush);
  setInterval(flush, RETRY_MS);
}
