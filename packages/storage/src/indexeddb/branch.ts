// Reading branches of a conversation's message tree without loading the
// conversation. A branch is walked from its leaf up through parentId; the
// parents are read in chronological windows (one request for many
// messages: a parent is nearly always just before its child in time, with
// at most a few other versions in between), falling back to one get when a
// parent is not where time order puts it.
import { compareMessages } from '../records.js';
import { newestLeafUnder, subtreeIds } from '../tree/branches.js';
import type { Conversation, Message } from '../types.js';
import { readNewestPage } from './newest-page.js';

/** Enough for a page of one branch; a window that misses grows, up to MAX_WINDOW. */
const FIRST_WINDOW = 64;
const MAX_WINDOW = 2048;

export interface BranchWalk {
  /** Leaf first, walking up. */
  messages: Message[];
  /** The branch goes on above the last message of `messages`. */
  hasMore: boolean;
  /** The walk stopped at a message whose parent is not here (not synced yet). */
  missingParentId?: string;
}

/** A raw request's result as a promise (no idb wrapper: reads of a walk, many per transaction). */
export function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** A message's key in the byConversationCreated index. */
export function chronologicalKey(m: Pick<Message, 'conversationId' | 'createdAt' | 'id'>): IDBValidKey {
  return [m.conversationId, m.createdAt, m.id];
}

/** Every key of a message's children in the byParent index, oldest first. */
export function childrenRange(parentId: string): IDBKeyRange {
  return IDBKeyRange.bound([parentId], [parentId, Number.POSITIVE_INFINITY]);
}

/**
 * Reads one conversation's branches inside one transaction (read-only or
 * read-write), remembering every message it has seen.
 */
export class BranchReader {
  private readonly store: IDBObjectStore;
  private readonly chronological: IDBIndex;
  private readonly byParent: IDBIndex;
  private readonly seen = new Map<string, Message>();
  /** The oldest message of the contiguous run read so far, newest downwards; undefined before the first window. */
  private lowest: Message | undefined;
  /** Where the first window started: undefined = at the newest message. */
  private top: Message | undefined;
  private windowRead = false;
  private olderLeft = true;
  private nextWindow: number;

  /** `tx`: a plain transaction over the messages store (`unwrap` an idb one). */
  constructor(
    tx: IDBTransaction,
    readonly conversationId: string,
    firstWindow = FIRST_WINDOW,
  ) {
    this.store = tx.objectStore('messages');
    this.chronological = this.store.index('byConversationCreated');
    this.byParent = this.store.index('byParent');
    this.nextWindow = firstWindow;
  }

  /** Messages written in this transaction after the reader was made: keeps its memory true. */
  /** Message `id` of this conversation, or undefined. */
  async get(id: string): Promise<Message | undefined> {
    const known = this.seen.get(id);
    if (known) return known;
    const message = (await settle(this.store.get(id))) as Message | undefined;
    if (!message || message.conversationId !== this.conversationId) return undefined;
    this.seen.set(id, message);
    return message;
  }

  /**
   * The newest messages of the conversation (below `below`, when given),
   * read in one request: the start of a walk. Later windows continue below.
   */
  async readWindow(below?: Message, size = this.nextWindow): Promise<Message[]> {
    const upper = below ? chronologicalKey(below) : [this.conversationId, Number.POSITIVE_INFINITY];
    const range = IDBKeyRange.bound([this.conversationId], upper, false, below !== undefined);
    const { values, hasMore } = await readNewestPage<Message>(this.chronological, range, size);
    for (const m of values) if (!this.seen.has(m.id)) this.seen.set(m.id, m);
    if (!this.windowRead || below === this.lowest) {
      if (!this.windowRead) this.top = below;
      this.windowRead = true;
      this.lowest = values[0] ?? this.lowest;
      this.olderLeft = hasMore;
    }
    this.nextWindow = Math.min(MAX_WINDOW, size * 2);
    return values;
  }

  /**
   * The id of the newest message of the conversation: one step of a key
   * cursor, no value read (or none at all after a window from the top).
   */
  newestId(): Promise<string | undefined> {
    this.newestIdRead ??= this.readNewestId();
    return this.newestIdRead;
  }

  private newestIdRead: Promise<string | undefined> | undefined;

  private async readNewestId(): Promise<string | undefined> {
    if (this.windowRead && this.top === undefined) {
      let newest: Message | undefined;
      for (const m of this.seen.values()) if (!newest || compareMessages(m, newest) > 0) newest = m;
      return newest?.id;
    }
    const range = IDBKeyRange.bound([this.conversationId], [this.conversationId, Number.POSITIVE_INFINITY]);
    const cursor = await settle(this.chronological.openKeyCursor(range, 'prev'));
    return cursor ? (cursor.primaryKey as string) : undefined;
  }

  /** Whether `m` lies inside the contiguous run of windows read so far. */
  private covers(m: Message): boolean {
    if (!this.windowRead || !this.lowest) return false;
    if (compareMessages(m, this.lowest) < 0) return false;
    return this.top === undefined || compareMessages(m, this.top) < 0;
  }

  /** The parent of `m`: null for a first message, undefined when it is not here. */
  async parentOf(m: Message): Promise<Message | null | undefined> {
    const parentId = m.parentId ?? null;
    if (parentId === null) return null;
    const known = this.seen.get(parentId);
    if (known) return known;
    if (!this.windowRead) {
      await this.readWindow(m);
    } else if (this.covers(m) && this.olderLeft && this.lowest) {
      // Not in the run read so far, so older than all of it (or out of time order): read on below.
      await this.readWindow(this.lowest);
    }
    return this.get(parentId);
  }

  /** Whether message `id` exists here, without reading it when it is not known already. */
  async exists(id: string): Promise<boolean> {
    if (this.seen.has(id)) return true;
    const key = await settle(this.store.getKey(id));
    return key !== undefined;
  }

  /**
   * Walks up from `start` (included) to at most `limit` messages. `hasMore`
   * and `missingParentId` tell what lies above the last one.
   */
  async walkUp(start: Message, limit = Number.POSITIVE_INFINITY): Promise<BranchWalk> {
    const messages: Message[] = [start];
    const visited = new Set([start.id]);
    let current = start;
    while (messages.length < limit) {
      const parent = await this.parentOf(current);
      if (parent === null) return { messages, hasMore: false };
      if (parent === undefined || visited.has(parent.id)) return missing(messages, current);
      visited.add(parent.id);
      messages.push(parent);
      current = parent;
    }
    const parentId = current.parentId ?? null;
    if (parentId === null) return { messages, hasMore: false };
    // Only whether the parent exists: its value is read with the next page.
    if (await this.exists(parentId)) return { messages, hasMore: true };
    return missing(messages, current);
  }

  /** Whether `ancestor` is on the branch ending at `leaf` (`leaf` itself included). */
  async reaches(leaf: Message, ancestor: Message): Promise<boolean> {
    const visited = new Set<string>();
    let current: Message | null | undefined = leaf;
    while (current && !visited.has(current.id)) {
      if (current.id === ancestor.id) return true;
      visited.add(current.id);
      current = await this.parentOf(current);
    }
    return false;
  }

  /** The ids of `id`'s children, oldest first. */
  async childIds(id: string): Promise<string[]> {
    return (await settle(this.byParent.getAllKeys(childrenRange(id)))) as string[];
  }

  /** `id`'s children, oldest first. */
  async children(id: string): Promise<Message[]> {
    const children = (await settle(this.byParent.getAll(childrenRange(id)))) as Message[];
    for (const m of children) this.seen.set(m.id, m);
    return children;
  }

  /** Every message of the conversation from `from` (included) on, chronological. */
  async from(from: Message): Promise<Message[]> {
    const range = IDBKeyRange.bound(chronologicalKey(from), [this.conversationId, Number.POSITIVE_INFINITY]);
    const messages = (await settle(this.chronological.getAll(range))) as Message[];
    for (const m of messages) this.seen.set(m.id, m);
    return messages;
  }

  /**
   * The newest leaf under `root` (`root` itself when it has no children), as
   * `newestLeafUnder` of src/tree finds it over the whole subtree: by creation
   * time, then id. Messages from `root`'s time on are read in one request
   * (equal times included: the id orders those); then the children of every
   * message found are listed, keys only, in one round, because a reply can be
   * older than what it answers (clocks, imports) and so lie outside that read.
   */
  async newestLeafUnder(root: Message): Promise<Message> {
    const range = IDBKeyRange.bound(
      [this.conversationId, root.createdAt],
      [this.conversationId, Number.POSITIVE_INFINITY],
    );
    const later = (await settle(this.chronological.getAll(range))) as Message[];
    const known = new Map<string, Message>([[root.id, root]]);
    for (const m of later) {
      this.seen.set(m.id, m);
      known.set(m.id, m);
    }
    const listed = new Set<string>();
    for (;;) {
      const unlisted = [...subtreeIds([...known.values()], root.id)].filter((id) => !listed.has(id));
      if (unlisted.length === 0) break;
      const childIds = await Promise.all(unlisted.map((id) => this.childIds(id)));
      for (const id of unlisted) listed.add(id);
      const older = childIds.flat().filter((id) => !known.has(id));
      for (const m of await Promise.all(older.map((id) => this.get(id)))) if (m) known.set(m.id, m);
    }
    return newestLeafUnder([...known.values()], root.id) ?? root;
  }

  /**
   * The newest leaf of the conversation (as `newestLeafUnder(messages, null)`
   * of src/tree finds it), or undefined when it has no messages: the newest
   * message, by creation time then id, that has no children. Not the newest
   * message's descendants: a reply may be older than what it answers (clocks,
   * imports, equal times), and then another leaf can be newer than it.
   */
  async newestLeaf(): Promise<Message | undefined> {
    const id = await this.newestId();
    if (id === undefined) return undefined;
    // The newest message and whether it has children (keys only), together: one round, and nearly always the answer.
    const [newest, children] = await Promise.all([this.get(id), this.childIds(id)]);
    if (!newest) return undefined;
    if (children.length === 0) return newest;
    // Its replies are older than it: the leaf is the newest message below it without children.
    const range = IDBKeyRange.bound([this.conversationId], chronologicalKey(newest), false, true);
    const request = this.chronological.openKeyCursor(range, 'prev');
    for (let cursor = await settle(request); cursor; cursor = await settle(request)) {
      const key = cursor.primaryKey as string;
      const below = await settle(this.byParent.getAllKeys(childrenRange(key), 1));
      if (below.length === 0) return this.get(key);
      cursor.continue();
    }
    return undefined;
  }

  /**
   * Whether `m` is the newest leaf (as `newestLeaf` finds it). The usual
   * answers (it has children; it is the newest message) take one round;
   * only a leaf older than the newest message reads the newest leaf.
   */
  async isNewestLeaf(m: Message): Promise<boolean> {
    const [newestId, children] = await Promise.all([this.newestId(), this.childIds(m.id)]);
    if (children.length > 0) return false;
    if (newestId === m.id) return true;
    // A reply older than what it answers (clocks, imports) may still be the leaf the newest message leads to.
    return (await this.newestLeaf())?.id === m.id;
  }

  /** The message the conversation shows last: its activeLeafId when that is here, else the newest leaf. */
  async activeLeaf(conversation: Pick<Conversation, 'activeLeafId'>): Promise<Message | undefined> {
    if (conversation.activeLeafId !== undefined) {
      const active = await this.get(conversation.activeLeafId);
      if (active) return active;
    }
    return this.newestLeaf();
  }

  /**
   * How the length of the branch changes when the leaf moves from `from`
   * to `to`: both walk up until they meet. Walks only as far as the two
   * branches differ, so moving between versions near the end is cheap.
   * Undefined when they share no message (different first messages).
   */
  async lengthChange(from: Message, to: Message): Promise<number | undefined> {
    type Walker = { at: Message | undefined; steps: number; depthOf: Map<string, number> };
    const a: Walker = { at: from, steps: 0, depthOf: new Map([[from.id, 0]]) };
    const b: Walker = { at: to, steps: 0, depthOf: new Map([[to.id, 0]]) };
    if (from.id === to.id) return 0;
    while (a.at || b.at) {
      // Step the walker standing on the newer message: the meeting point is older than both.
      const mover = !b.at || (a.at && compareMessages(a.at, b.at) >= 0) ? a : b;
      const other = mover === a ? b : a;
      const parent = await this.parentOf(mover.at!);
      mover.at = parent ?? undefined;
      if (!mover.at) continue;
      if (mover.depthOf.has(mover.at.id)) {
        mover.at = undefined; // A cycle in damaged data: stop this walker.
        continue;
      }
      mover.steps += 1;
      mover.depthOf.set(mover.at.id, mover.steps);
      const met = other.depthOf.get(mover.at.id);
      if (met !== undefined) {
        const fromSteps = mover === a ? mover.steps : met;
        const toSteps = mover === b ? mover.steps : met;
        return toSteps - fromSteps;
      }
    }
    return undefined;
  }
}

function missing(messages: Message[], last: Message): BranchWalk {
  const parentId = last.parentId;
  return parentId ? { messages, hasMore: false, missingParentId: parentId } : { messages, hasMore: false };
}
