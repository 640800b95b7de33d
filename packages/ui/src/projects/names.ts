// What people read about projects: their names (never the ids) and what
// deleting one takes with it.
import type { Project } from '@chatkeep/storage';

/** The project's name; its id while its record has not been read. */
export function projectName(projects: readonly Project[] | undefined, id: string): string {
  return projects?.find((p) => p.id === id)?.name ?? id;
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/**
 * What "Delete project" will do, said before it happens: the conversations
 * and messages that go (every version of every message), or where they move.
 * Until the messages are counted it gives no number it cannot stand by.
 */
export function projectDeleteWarning(
  name: string,
  conversations: number,
  messages: number | undefined,
  moveTo: string | undefined,
  syncing: boolean,
): string {
  if (conversations === 0) return `The project “${name}” is empty; deleting it removes only its name.`;
  const held = `${count(conversations, 'conversation', 'conversations')}${
    messages === undefined ? '' : ` with ${count(messages, 'message', 'messages')}`
  }`;
  if (moveTo !== undefined) {
    return `“${name}” holds ${held}. They will move to “${moveTo}”, and the project will be deleted.`;
  }
  const where = syncing ? 'from this device and, through sync, from your other devices' : 'from this device';
  return `“${name}” holds ${held}. They will be deleted ${where}, with the project. This cannot be undone.`;
}

/** Why a conversation cannot move now: its answer is still being written (in its current project). */
export const MOVE_WHILE_STREAMING =
  'Wait for the answer to finish (or stop it) before moving this conversation.';
