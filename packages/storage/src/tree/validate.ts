// The rules a message's parentId obeys, checked the same way by both
// adapters before anything is written: the parent is in the same
// conversation, the tree has no cycle, and parentId never changes.
import { ChatStorageError } from '../errors.js';
import type { Message } from '../types.js';

type Node = Pick<Message, 'id' | 'conversationId'> & { parentId?: string | null };

/** A re-saved or updated message keeps its parentId; undefined (not given) keeps it too. */
export function checkParentUnchanged(input: Node, existing: Pick<Message, 'parentId'>): void {
  if (input.parentId === undefined || input.parentId === existing.parentId) return;
  throw new ChatStorageError(
    'invalid-input',
    `Message ${input.id} already follows ${existing.parentId ?? 'nothing (it is a first message)'}; a message's parentId never changes. Save a new message with parentId ${String(input.parentId)} instead (a new version).`,
  );
}

/**
 * Checks a new message's parent: `parent` is the stored (or same-batch)
 * message named by `message.parentId`, undefined when there is none.
 */
export function checkParent(message: Node, parent: Pick<Message, 'id' | 'conversationId'> | undefined): void {
  const parentId = message.parentId;
  if (parentId === undefined || parentId === null) return;
  if (parentId === message.id) {
    throw new ChatStorageError(
      'invalid-input',
      `Message ${message.id} names itself as its parent; parentId must be an earlier message of the conversation, or null for a first message.`,
    );
  }
  if (!parent) {
    throw new ChatStorageError(
      'invalid-input',
      `Message ${message.id} follows message ${parentId}, which is not in conversation ${message.conversationId}; use the id of a message of this conversation, or leave parentId out to follow the active branch.`,
    );
  }
  if (parent.conversationId !== message.conversationId) {
    throw new ChatStorageError(
      'invalid-input',
      `Message ${message.id} is in conversation ${message.conversationId}, but its parent ${parentId} is in conversation ${parent.conversationId}; a message can only follow a message of its own conversation.`,
    );
  }
}

/**
 * Refuses a cycle among messages saved together: walking up from `id`
 * through `parentOf` must end at a root (or a message outside the batch,
 * whose own ancestors are acyclic already).
 */
export function checkNoCycle(id: string, parentOf: (id: string) => string | null | undefined): void {
  const seen = new Set<string>([id]);
  let current = parentOf(id);
  while (current !== null && current !== undefined) {
    if (seen.has(current)) {
      throw new ChatStorageError(
        'invalid-input',
        `Messages ${[...seen].join(', ')} follow each other in a circle; each message's parentId must lead back to a first message (parentId null).`,
      );
    }
    seen.add(current);
    current = parentOf(current);
  }
}

/**
 * checkNoCycle for many messages at once, in time linear in the tree: a
 * message whose parents are known to lead to a first message is not walked again.
 */
export function checkNoCycles(
  ids: readonly string[],
  parentOf: (id: string) => string | null | undefined,
): void {
  const rooted = new Set<string>();
  for (const id of ids) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let current: string | null | undefined = id;
    while (current !== null && current !== undefined && !rooted.has(current)) {
      if (onPath.has(current)) {
        throw new ChatStorageError(
          'invalid-input',
          `Messages ${path.slice(path.indexOf(current)).join(', ')} follow each other in a circle; each message's parentId must lead back to a first message (parentId null).`,
        );
      }
      onPath.add(current);
      path.push(current);
      current = parentOf(current);
    }
    for (const p of path) rooted.add(p);
  }
}
