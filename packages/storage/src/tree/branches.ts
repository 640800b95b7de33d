// Pure functions over the messages of one conversation, seen as a tree
// (DESIGN.md "Message tree"). The localStorage adapter runs them on the
// conversation it holds in memory; the IndexedDB adapter runs them on the
// part it has read, and the UI on what loadConversation returned.
import { compareMessages } from '../records.js';
import type { Message } from '../types.js';

type TreeMessage = Pick<Message, 'id' | 'parentId' | 'createdAt'>;

/** Each message's children (roots under `null`), chronological. */
export function childrenByParent<M extends TreeMessage>(messages: readonly M[]): Map<string | null, M[]> {
  const children = new Map<string | null, M[]>();
  for (const m of [...messages].sort(compareMessages)) {
    const key = m.parentId ?? null;
    const list = children.get(key);
    if (list) list.push(m);
    else children.set(key, [m]);
  }
  return children;
}

/**
 * The newest leaf (by creation time) of the subtree under `rootId`, or of
 * the whole conversation when `rootId` is null (branches waiting for a
 * parent that has not synced included). Undefined when `rootId` is
 * not among `messages` or there are none.
 */
export function newestLeafUnder<M extends TreeMessage>(
  messages: readonly M[],
  rootId: string | null,
): M | undefined {
  const children = childrenByParent(messages);
  let best: M | undefined;
  // For the whole conversation, a message whose parent has not synced yet starts a subtree too:
  // its branch is shown (below "an earlier message has not synced yet") rather than hidden.
  const ids = rootId === null ? new Set(messages.map((m) => m.id)) : undefined;
  const stack: M[] =
    rootId === null
      ? messages.filter((m) => m.parentId === null || !ids!.has(m.parentId))
      : messages.filter((m) => m.id === rootId);
  const seen = new Set<string>();
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    const below = children.get(m.id);
    if (below?.length) stack.push(...below);
    else if (!best || compareMessages(m, best) > 0) best = m;
  }
  return best;
}

/**
 * The id of the leaf the conversation shows: `activeLeafId` when it names
 * one of `messages`, else the newest leaf.
 */
export function resolveActiveLeaf<M extends TreeMessage>(
  messages: readonly M[],
  activeLeafId: string | undefined,
): M | undefined {
  if (activeLeafId !== undefined) {
    const active = messages.find((m) => m.id === activeLeafId);
    if (active) return active;
  }
  return newestLeafUnder(messages, null);
}

/**
 * The branch ending at `leafId`, root first. When a message's parent is not
 * among `messages` (not synced yet) the branch starts below it and
 * `missingParentId` names it.
 */
export function branchTo<M extends TreeMessage>(
  messages: readonly M[],
  leafId: string,
): { messages: M[]; missingParentId?: string } {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const path: M[] = [];
  const seen = new Set<string>();
  let current = byId.get(leafId);
  let missingParentId: string | undefined;
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.push(current);
    const parentId = current.parentId ?? null;
    if (parentId === null) break;
    const parent = byId.get(parentId);
    if (!parent) missingParentId = parentId;
    current = parent;
  }
  path.reverse();
  return missingParentId === undefined ? { messages: path } : { messages: path, missingParentId };
}

/** The active branch of a conversation, root first (see `resolveActiveLeaf` and `branchTo`). */
export function activeBranch<M extends TreeMessage>(
  messages: readonly M[],
  activeLeafId: string | undefined,
): { messages: M[]; missingParentId?: string } {
  const leaf = resolveActiveLeaf(messages, activeLeafId);
  return leaf ? branchTo(messages, leaf.id) : { messages: [] };
}

/** `rootId` and every message under it. */
export function subtreeIds(messages: readonly TreeMessage[], rootId: string): Set<string> {
  const children = childrenByParent(messages);
  const ids = new Set<string>();
  const stack = [rootId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (ids.has(id)) continue;
    ids.add(id);
    for (const child of children.get(id) ?? []) stack.push(child.id);
  }
  return ids;
}

/** The message and its siblings (same parentId), chronological, and where `messageId` stands among them. */
export function versionsOf<M extends TreeMessage>(
  messages: readonly M[],
  messageId: string,
): { versions: M[]; index: number } | undefined {
  const message = messages.find((m) => m.id === messageId);
  if (!message) return undefined;
  const versions = childrenByParent(messages).get(message.parentId ?? null) ?? [];
  return { versions, index: versions.findIndex((m) => m.id === messageId) };
}

/**
 * Ids of the messages whose parent is not among `messages`: on a device
 * where sync has not brought that parent yet. The UI shows "an earlier
 * message has not synced yet" above each.
 */
export function awaitingParent(messages: readonly TreeMessage[]): Set<string> {
  const ids = new Set(messages.map((m) => m.id));
  const waiting = new Set<string>();
  for (const m of messages) if (m.parentId && !ids.has(m.parentId)) waiting.add(m.id);
  return waiting;
}

/**
 * Where the active leaf goes when the subtree under `deleted` is removed:
 * the newest remaining leaf under its parent, else the parent itself, else
 * (a root without siblings) the newest remaining leaf. `remaining` is every
 * message that stays.
 */
export function leafAfterDelete<M extends TreeMessage>(
  remaining: readonly M[],
  deleted: TreeMessage,
): M | undefined {
  const parentId = deleted.parentId ?? null;
  if (parentId === null) return newestLeafUnder(remaining, null);
  return newestLeafUnder(remaining, parentId) ?? newestLeafUnder(remaining, null);
}
