// Conversation tags: how a typed tag is normalised, how a conversation's
// tags are edited, and which conversations a tag filter keeps. Tags are
// compared case-insensitively ("Work" and "work" are one tag); the spelling
// first used is the one kept.
import { ChatStorageError } from '../errors.js';
import type { Conversation } from '../types.js';

/** The longest tag, in characters (the record schema allows the same). */
export const MAX_TAG_LENGTH = 100;
/** The most tags one conversation holds (the record schema allows the same). */
export const MAX_TAGS = 100;

/** What two spellings of one tag have in common. */
export function tagKey(tag: string): string {
  return tag.toLocaleLowerCase();
}

/** A typed tag, trimmed, with runs of white space made one space; refused with a reason when empty or too long. */
export function normalizeTag(raw: string): string {
  const tag = String(raw ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!tag) throw new ChatStorageError('invalid-input', 'A tag cannot be empty: type a word or two.');
  if (tag.length > MAX_TAG_LENGTH) {
    throw new ChatStorageError(
      'invalid-input',
      `A tag can be at most ${MAX_TAG_LENGTH} characters; this one has ${tag.length}. Shorten it.`,
    );
  }
  return tag;
}

/**
 * A list of tags as stored: each normalised, empty ones dropped, and a tag
 * that repeats another (in any case) left out. Refuses a tag that is too
 * long and a list over MAX_TAGS.
 */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags) {
    if (!String(raw ?? '').trim()) continue;
    const tag = normalizeTag(raw);
    const key = tagKey(tag);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  if (out.length > MAX_TAGS) {
    throw new ChatStorageError(
      'invalid-input',
      `A conversation can have at most ${MAX_TAGS} tags; remove some before adding more.`,
    );
  }
  return out;
}

/**
 * `tags` with `raw` added. A tag the conversation already has (in any case)
 * is refused, so the person sees why nothing changed. `known` are tags in
 * use elsewhere: typing "work" where "Work" exists reuses that spelling.
 */
export function addTag(tags: readonly string[], raw: string, known: readonly string[] = []): string[] {
  const typed = normalizeTag(raw);
  const key = tagKey(typed);
  const existing = tags.find((t) => tagKey(t) === key);
  if (existing !== undefined) {
    throw new ChatStorageError('invalid-input', `This conversation is already tagged "${existing}".`);
  }
  const tag = known.find((t) => tagKey(t) === key) ?? typed;
  return normalizeTags([...tags, tag]);
}

/** `tags` without `tag` (compared case-insensitively). */
export function removeTag(tags: readonly string[], tag: string): string[] {
  const key = tagKey(tag);
  return tags.filter((t) => tagKey(t) !== key);
}

export interface TagCount {
  /** The spelling first met (conversations newest first: the latest one used). */
  tag: string;
  /** Conversations that carry it. */
  count: number;
}

/** Every tag of these conversations with how many carry it, sorted by name. */
export function collectTags(conversations: readonly Pick<Conversation, 'tags'>[]): TagCount[] {
  const byKey = new Map<string, TagCount>();
  for (const c of conversations) {
    const seen = new Set<string>();
    for (const tag of c.tags ?? []) {
      const key = tagKey(tag);
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = byKey.get(key);
      if (entry) entry.count++;
      else byKey.set(key, { tag, count: 1 });
    }
  }
  return [...byKey.values()].sort(
    (a, b) => a.tag.localeCompare(b.tag, undefined, { sensitivity: 'base' }) || a.tag.localeCompare(b.tag),
  );
}

/** Whether the conversation carries every tag of the filter (an empty filter keeps everything). */
export function hasEveryTag(conversation: Pick<Conversation, 'tags'>, filter: readonly string[]): boolean {
  if (filter.length === 0) return true;
  const own = new Set((conversation.tags ?? []).map(tagKey));
  return filter.every((t) => own.has(tagKey(t)));
}

/** The conversations that carry every tag of the filter, in their order. */
export function filterByTags<T extends Pick<Conversation, 'tags'>>(
  conversations: readonly T[],
  filter: readonly string[],
): T[] {
  return filter.length === 0 ? [...conversations] : conversations.filter((c) => hasEveryTag(c, filter));
}
