// Messages waiting for the network. A message to a remote model written
// while offline (or while its endpoint cannot be reached) is saved at once,
// marked `metadata.queued`, and listed in this device's outbox; it is sent
// when the network is back or the app starts again. Sending claims it first
// (the mark is cleared in storage under a cross-tab lock), so that however
// many tabs try, each message is sent once.
import { type ChatStorageAdapter, ChatStorageError, type Message } from '@chatkeep/storage';

/** `metadata.queued` of a message waiting to be sent. */
export interface QueuedMark {
  since: number;
  /** Why the last attempt did not go through, when the endpoint was tried. */
  reason?: string;
}

export function queuedMark(message: Pick<Message, 'metadata'>): QueuedMark | undefined {
  const mark = message.metadata?.queued as QueuedMark | undefined;
  return mark && typeof mark === 'object' && typeof mark.since === 'number' ? mark : undefined;
}

export function queuedMetadata(reason?: string): { queued: QueuedMark } {
  return { queued: { since: Date.now(), ...(reason ? { reason } : {}) } };
}

export function withoutQueuedMark(metadata: Message['metadata']): Message['metadata'] {
  const { queued: _gone, ...rest } = metadata ?? {};
  return rest;
}

interface OutboxEntry {
  messageId: string;
  conversationId: string;
}

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const PREFIX = 'chatkeep-outbox:';

/**
 * Which messages this device has to send: one localStorage key per message
 * (the message itself, with its mark, stays in the storage adapter), so that
 * two tabs adding at once never overwrite each other's entries.
 */
export class Outbox {
  constructor(private readonly store: KeyValueStore) {}

  add(entry: OutboxEntry): void {
    this.store.setItem(PREFIX + entry.messageId, entry.conversationId);
  }

  remove(messageId: string): void {
    this.store.removeItem(PREFIX + messageId);
  }

  list(): OutboxEntry[] {
    const entries: OutboxEntry[] = [];
    for (let i = 0; i < this.store.length; i++) {
      const key = this.store.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      const conversationId = this.store.getItem(key);
      if (conversationId) entries.push({ messageId: key.slice(PREFIX.length), conversationId });
    }
    return entries.sort((a, b) => (a.messageId < b.messageId ? -1 : 1));
  }
}

/** Runs `fn` while no other tab of this origin flushes or changes the outbox. */
export type OutboxLock = <T>(fn: () => Promise<T>) => Promise<T>;

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Web Locks where the browser has them, else a queue within this tab. */
export function defaultOutboxLock(): OutboxLock {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks && typeof locks.request === 'function') {
    return (fn) => locks.request('chatkeep-outbox', fn);
  }
  let chain: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => {});
    return next;
  };
}

/** Marks a saved message as waiting and lists it in the outbox. */
export async function queueMessage(
  storage: ChatStorageAdapter,
  outbox: Outbox,
  message: Message,
  reason?: string,
): Promise<Message> {
  // Listed first: an entry whose message is not marked is dropped on the next flush.
  outbox.add({ messageId: message.id, conversationId: message.conversationId });
  return storage.updateMessage(message.id, { metadata: { ...message.metadata, ...queuedMetadata(reason) } });
}

/** The message as stored now, or undefined when it is gone. */
async function readMessage(storage: ChatStorageAdapter, entry: OutboxEntry): Promise<Message | undefined> {
  try {
    const page = await storage.getMessages(entry.conversationId, { leafId: entry.messageId, limit: 1 });
    return page.messages.find((m) => m.id === entry.messageId);
  } catch (error) {
    if (error instanceof ChatStorageError && error.code === 'not-found') return undefined;
    throw error;
  }
}

/**
 * Claims the waiting messages (all of them, or `only` those ids): clears
 * their mark and outbox entry under the lock, and returns the ones to answer.
 * Several waiting messages in a row are one turn: only the last is answered,
 * with the others in its history.
 */
export async function claimQueued(opts: {
  storage: ChatStorageAdapter;
  outbox: Outbox;
  lock: OutboxLock;
  only?: string[];
}): Promise<Message[]> {
  const { storage, outbox } = opts;
  return opts.lock(async () => {
    const claimed: Message[] = [];
    for (const entry of outbox.list()) {
      if (opts.only && !opts.only.includes(entry.messageId)) continue;
      const message = await readMessage(storage, entry);
      if (message && queuedMark(message)) {
        await storage.updateMessage(message.id, { metadata: withoutQueuedMark(message.metadata) });
        claimed.push(message);
      }
      // Gone (cancelled), or already claimed by another tab.
      outbox.remove(entry.messageId);
    }
    const followed = new Set(claimed.map((m) => m.parentId));
    return claimed.filter((m) => !followed.has(m.id));
  });
}

/** Cancel: the waiting message is removed before it is ever sent. */
export async function cancelQueued(opts: {
  storage: ChatStorageAdapter;
  outbox: Outbox;
  lock: OutboxLock;
  message: Message;
}): Promise<boolean> {
  return opts.lock(async () => {
    const { id: messageId, conversationId } = opts.message;
    const current = await readMessage(opts.storage, { messageId, conversationId });
    opts.outbox.remove(opts.message.id);
    // Already on its way (claimed in another tab a moment ago): too late to cancel.
    if (!current || !queuedMark(current)) return false;
    await opts.storage.deleteMessage(current.id);
    return true;
  });
}

/** Edit before sending: the waiting text is replaced in place (it was never sent, so there is no earlier version to keep). */
export async function editQueued(opts: {
  storage: ChatStorageAdapter;
  lock: OutboxLock;
  message: Message;
  text: string;
}): Promise<boolean> {
  return opts.lock(async () => {
    const current = await readMessage(opts.storage, {
      messageId: opts.message.id,
      conversationId: opts.message.conversationId,
    });
    if (!current || !queuedMark(current)) return false;
    await opts.storage.updateMessage(current.id, { content: opts.text });
    return true;
  });
}
