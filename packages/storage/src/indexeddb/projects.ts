// Project records in IndexedDB: rename, delete (with or without moving the
// conversations elsewhere) and moving a conversation with its messages.
// Each runs inside the adapter's one write transaction.
import { unwrap } from 'idb';
import { checkMoveTarget, checkProjectId, projectNotFound, savedProject } from '../projects.js';
import type { Conversation, Project } from '../types.js';
import { removeConversation } from './remove.js';
import { conversationRange, ensureProject, projectRange, putAll, type WriteScope } from './tx.js';

export async function saveProject(
  scope: WriteScope,
  input: { id: string; name: string },
  now: number,
): Promise<Project> {
  const id = checkProjectId(input?.id, 'saveProject');
  const store = scope.tx.objectStore('projects');
  const all = await store.getAll();
  const existing = all.find((p) => p.id === id);
  const project = savedProject(input, existing, all, now);
  // The same name again changes nothing, so nothing is pushed.
  if (existing && existing.name === project.name) return existing;
  await store.put(project);
  await scope.stamp({ kind: 'project', id, projectId: id, deleted: false });
  scope.changes.project(id, false);
  return project;
}

/** Moves `conversation` and every message of it to `projectId`; each is stamped, so other devices follow. */
export async function moveConversationTo(
  scope: WriteScope,
  conversation: Conversation,
  projectId: string,
  now: number,
): Promise<Conversation> {
  const { tx, changes, stampMany } = scope;
  if (conversation.projectId === projectId) return conversation;
  const from = conversation.projectId;
  const moved: Conversation = { ...conversation, projectId };
  const messages = await tx
    .objectStore('messages')
    .index('byConversationCreated')
    .getAll(conversationRange(conversation.id));
  const movedMessages = messages.map((m) => ({ ...m, projectId }));
  await Promise.all([
    tx.objectStore('conversations').put(moved),
    ensureProject(tx, projectId, now),
    putAll(unwrap(tx.objectStore('messages')), movedMessages),
    // The conversation first: its stamp is older, so it is pushed before its messages.
    stampMany([
      { kind: 'conversation', id: moved.id, projectId, deleted: false },
      ...movedMessages.map((m) => ({ kind: 'message' as const, id: m.id, projectId, deleted: false })),
    ]),
  ]);
  // Both lists change: the conversation leaves one project and joins the other.
  changes.conversation(from, moved.id, false);
  changes.conversation(projectId, moved.id, false);
  for (const m of movedMessages) changes.message(m, false);
  return moved;
}

export async function deleteProject(
  scope: WriteScope,
  rawId: string,
  opts: { moveTo?: string },
  now: number,
): Promise<void> {
  const { tx, changes, stamp } = scope;
  const id = checkProjectId(rawId, 'deleteProject');
  const moveTo = opts?.moveTo === undefined ? undefined : checkProjectId(opts.moveTo, 'deleteProject moveTo');
  const projects = tx.objectStore('projects');
  const [existing, conversations] = await Promise.all([
    projects.get(id),
    tx.objectStore('conversations').index('byProjectUpdated').getAll(projectRange(id)),
  ]);
  if (!existing && conversations.length === 0) throw projectNotFound(id);
  if (moveTo !== undefined) {
    const target = checkMoveTarget(id, moveTo, (await projects.getKey(moveTo)) !== undefined);
    for (const conversation of conversations) await moveConversationTo(scope, conversation, target, now);
  } else {
    for (const conversation of conversations) {
      const hlc = await stamp({ kind: 'conversation', id: conversation.id, projectId: id, deleted: true });
      await removeConversation(tx, conversation, hlc, changes);
    }
  }
  await projects.delete(id);
  await stamp({ kind: 'project', id, projectId: id, deleted: true });
  changes.project(id, true);
}
