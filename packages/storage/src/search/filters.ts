// Search filters: which project, roles, models, tags and dates a hit may
// have. Checked once per search (bad input is refused with a message saying
// what to fix), then applied to each matching document from what the index
// stores, without reading storage.
import { ChatStorageError } from '../errors.js';
import { hasEveryTag } from '../tags/tags.js';
import type { Role } from '../types.js';
import type { IndexedConversation } from './documents.js';

export interface SearchFilters {
  /** Only messages of these roles. Titles have no role, so setting this leaves title hits out. */
  roles?: readonly Role[];
  /** Only messages answered by one of these models (`metadata.model`); leaves title hits out. */
  models?: readonly string[];
  /** Only conversations that have every one of these tags (in any case: "Work" and "work" are one tag). */
  tags?: readonly string[];
  /** Only hits at or after this time (ms since epoch): a message's creation, a title's last update. */
  from?: number;
  /** Only hits at or before this time (ms since epoch). */
  to?: number;
}

const ROLES: readonly Role[] = ['user', 'assistant', 'system', 'tool'];

function invalid(message: string): never {
  throw new ChatStorageError('invalid-input', `search: ${message}`);
}

function checkList(name: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    invalid(`${name} must be a list of strings, got ${JSON.stringify(value)}.`);
  }
}

function checkTime(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    invalid(`${name} must be a time in milliseconds since 1970, got ${JSON.stringify(value)}.`);
  }
}

/** Refuses filters that cannot mean anything, saying which and why. */
export function checkFilters(f: SearchFilters): void {
  checkList('roles', f.roles);
  checkList('models', f.models);
  checkList('tags', f.tags);
  for (const role of f.roles ?? []) {
    if (!ROLES.includes(role)) invalid(`unknown role "${role}"; use ${ROLES.join(', ')}.`);
  }
  checkTime('from', f.from);
  checkTime('to', f.to);
  if (f.from !== undefined && f.to !== undefined && f.from > f.to) {
    invalid(`"from" (${new Date(f.from).toISOString()}) is after "to" (${new Date(f.to).toISOString()}).`);
  }
}

/** What a filter reads of a document: its stored fields and its conversation. */
export interface FilterSubject {
  conversation: IndexedConversation;
  role?: Role;
  model?: string;
  time: number;
}

/** The predicate for `f`, built once per search. */
export function filterPredicate(
  projectId: string | null,
  includeArchived: boolean,
  f: SearchFilters,
): (s: FilterSubject) => boolean {
  const roles = f.roles && f.roles.length > 0 ? new Set<string>(f.roles) : undefined;
  const models = f.models && f.models.length > 0 ? new Set(f.models) : undefined;
  const tags = f.tags && f.tags.length > 0 ? f.tags : undefined;
  return ({ conversation: c, role, model, time }) =>
    (projectId === null || c.projectId === projectId) &&
    (includeArchived || !c.archived) &&
    (!roles || (role !== undefined && roles.has(role))) &&
    (!models || (model !== undefined && models.has(model))) &&
    (!tags || hasEveryTag(c, tags)) &&
    (f.from === undefined || time >= f.from) &&
    (f.to === undefined || time <= f.to);
}
