// Project records in localStorage: rename, delete (with or without moving
// the conversations elsewhere) and moving a conversation with its messages.
// Each runs inside one Session, so it commits whole or not at all.
import { ChatStorageError } from '../errors.js';
import { checkMoveTarget, checkProjectId, projectNotFound, savedProject } from '../projects.js';
import type { Conversation, Project } from '../types.js';
import { deleteConversation } from './local-writes.js';
import type { Session } from './session.js';

export function saveProject(s: Session, input: { id: string; name: string }, now: number): Project {
  const id = checkProjectId(input?.id, 'saveProject');
  const records = s.projectRecords();
  const existing = records[id]?.project;
  const project = savedProject(
    input,
    existing,
    Object.values(records).map((r) => r.project),
    now,
  );
  // The same name again changes nothing, so nothing is pushed.
  if (existing && existing.name === project.name) return existing;
  s.storeProject(project);
  s.stamp('project', id, id, false, id);
  s.noteProject(id, false);
  return project;
}

/** Moves a conversation and every message of it to `projectId`; each is stamped, so other devices follow. */
export function moveConversation(s: Session, id: string, rawProjectId: string): Conversation {
  const projectId = checkProjectId(rawProjectId, 'moveConversation');
  const entry = s.entry(id);
  const conversation = entry?.conversation;
  if (!entry || !conversation) {
    throw new ChatStorageError(
      'not-found',
      `Conversation ${id} does not exist (it may have been deleted in another tab or on another device).`,
    );
  }
  if (conversation.projectId === projectId) return conversation;
  const from = conversation.projectId;
  const moved: Conversation = { ...conversation, projectId };
  s.storeConversation(moved);
  // The conversation first: its stamp is older, so it is pushed before its messages.
  s.stamp('conversation', id, projectId, false, id);
  const held = s.entry(id)!;
  held.messages = held.messages.map((m) => ({ ...m, projectId }));
  s.tx.set(s.keys.conversation(id), held);
  for (const m of held.messages) {
    s.stamp('message', m.id, projectId, false, id);
    s.noteMessage(projectId, m.id, id, false);
  }
  // Both lists change: the conversation leaves one project and joins the other.
  s.noteConversation(from, id, false);
  s.noteConversation(projectId, id, false);
  return s.conversation(id)!;
}

export function deleteProject(s: Session, rawId: string, opts: { moveTo?: string } | undefined): void {
  const id = checkProjectId(rawId, 'deleteProject');
  const moveTo = opts?.moveTo === undefined ? undefined : checkProjectId(opts.moveTo, 'deleteProject moveTo');
  const records = s.projectRecords();
  const conversationIds = Object.keys(s.projectIndex(id));
  if (!records[id] && conversationIds.length === 0) throw projectNotFound(id);
  if (moveTo !== undefined) {
    const target = checkMoveTarget(id, moveTo, records[moveTo] !== undefined);
    for (const conversationId of conversationIds) moveConversation(s, conversationId, target);
  } else {
    for (const conversationId of conversationIds) deleteConversation(s, conversationId);
  }
  const previous = s.meta('project', id);
  s.forgetProject(id);
  s.stamp('project', id, id, true, id, previous);
  s.noteProject(id, true);
}
