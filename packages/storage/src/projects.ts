// Project records, decided once for both adapters: what a valid id and name
// are, the record a rename makes, and the record that stands for a project
// id in use before projects had names (named after its id).
import { ChatStorageError } from './errors.js';
import { idProblem } from './sync/protocol.js';
import type { Project } from './types.js';

export const MAX_PROJECT_NAME_LENGTH = 100;

/** Refuses what is not a usable project id, saying which call got it. */
export function checkProjectId(id: unknown, what: string): string {
  if (typeof id !== 'string') {
    throw new ChatStorageError('invalid-input', `${what}: the project id must be a string.`);
  }
  const problem = idProblem(id);
  if (problem) throw new ChatStorageError('invalid-input', `${what}: the project id ${problem}.`);
  return id;
}

/** The name as stored: trimmed, 1-100 characters, no control characters. */
export function checkProjectName(name: unknown): string {
  if (typeof name !== 'string') {
    throw new ChatStorageError('invalid-input', 'saveProject: the project name must be a string.');
  }
  const trimmed = name.trim();
  if (!trimmed) throw new ChatStorageError('invalid-input', 'Give the project a name.');
  if ([...trimmed].length > MAX_PROJECT_NAME_LENGTH) {
    throw new ChatStorageError(
      'invalid-input',
      `A project name may be at most ${MAX_PROJECT_NAME_LENGTH} characters; shorten “${trimmed.slice(0, 20)}…”.`,
    );
  }
  if (/\p{Cc}/u.test(trimmed)) {
    throw new ChatStorageError(
      'invalid-input',
      'A project name must not contain control characters (line breaks, tabs).',
    );
  }
  return trimmed;
}

/**
 * The record saveProject writes: a new project, or `existing` renamed. Two
 * projects of one device never share a name (compared without case), so a
 * list of names always tells them apart.
 */
export function savedProject(
  input: { id: string; name: string },
  existing: Project | undefined,
  others: Iterable<Project>,
  now: number,
): Project {
  const id = checkProjectId(input?.id, 'saveProject');
  const name = checkProjectName(input.name);
  const folded = name.toLocaleLowerCase();
  for (const other of others) {
    if (other.id !== id && other.name.toLocaleLowerCase() === folded) {
      throw new ChatStorageError(
        'invalid-input',
        `A project named “${other.name}” already exists; choose another name.`,
      );
    }
  }
  if (existing) return { ...existing, name, updatedAt: Math.max(now, existing.updatedAt) };
  return { id, name, createdAt: now, updatedAt: now };
}

/** The record of a project id in use without one: named after its id. */
export function implicitProject(id: string, at: number): Project {
  return { id, name: id, createdAt: at, updatedAt: at };
}

/** Where deleteProject moves conversations: another existing project. */
export function checkMoveTarget(id: string, moveTo: unknown, exists: boolean): string {
  const target = checkProjectId(moveTo, 'deleteProject moveTo');
  if (target === id) {
    throw new ChatStorageError(
      'invalid-input',
      `deleteProject: cannot move the conversations of project ${id} into itself; name another project, or leave moveTo out to delete them.`,
    );
  }
  if (!exists) {
    throw new ChatStorageError(
      'not-found',
      `deleteProject: project ${target} does not exist; create it with saveProject before moving conversations there.`,
    );
  }
  return target;
}

export function projectNotFound(id: string): ChatStorageError {
  return new ChatStorageError(
    'not-found',
    `Project ${id} does not exist on this device; nothing was deleted.`,
  );
}

/** By name, then id: the order of project lists. */
export function compareProjects(a: Project, b: Project): number {
  return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
