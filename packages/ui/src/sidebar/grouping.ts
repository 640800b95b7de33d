// The sidebar's groups: pinned first, then by last activity.
import type { Conversation } from '@chatkeep/storage';

export const GROUPS = [
  'Pinned',
  'Today',
  'Yesterday',
  'Previous 7 days',
  'Previous 30 days',
  'Older',
] as const;
export type GroupName = (typeof GROUPS)[number];

/**
 * Where each dated group starts, as calendar days in local time (a day with a
 * clock change is 23 or 25 hours long). Computed once per call: building a
 * Date per conversation was most of the cost of grouping a long list.
 */
function boundaries(now: number): { today: number; yesterday: number; week: number; month: number } {
  const d = new Date(now);
  const dayStart = (daysBack: number) =>
    new Date(d.getFullYear(), d.getMonth(), d.getDate() - daysBack).getTime();
  return { today: dayStart(0), yesterday: dayStart(1), week: dayStart(7), month: dayStart(30) };
}

function groupAt(conversation: Conversation, starts: ReturnType<typeof boundaries>): GroupName {
  if (conversation.pinned) return 'Pinned';
  const at = conversation.updatedAt;
  if (at >= starts.today) return 'Today';
  if (at >= starts.yesterday) return 'Yesterday';
  if (at >= starts.week) return 'Previous 7 days';
  if (at >= starts.month) return 'Previous 30 days';
  return 'Older';
}

export function groupOf(conversation: Conversation, now: number): GroupName {
  return groupAt(conversation, boundaries(now));
}

function newestFirst(a: Conversation, b: Conversation): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1);
}

/** Non-empty groups in sidebar order, each newest first. */
export function groupConversations(
  conversations: Conversation[],
  now: number,
): { name: GroupName; conversations: Conversation[] }[] {
  const starts = boundaries(now);
  const byGroup = new Map<GroupName, Conversation[]>();
  // Storage lists conversations newest first already: check in one pass before sorting a copy.
  const sorted = conversations.every((c, i) => i === 0 || newestFirst(conversations[i - 1]!, c) <= 0)
    ? conversations
    : [...conversations].sort(newestFirst);
  for (const c of sorted) {
    const g = groupAt(c, starts);
    let list = byGroup.get(g);
    if (!list) {
      list = [];
      byGroup.set(g, list);
    }
    list.push(c);
  }
  return GROUPS.filter((g) => byGroup.has(g)).map((name) => ({ name, conversations: byGroup.get(name)! }));
}

/** Title filter as the user types: every word must appear, case and accents ignored. */
export function matchesTitle(conversation: Conversation, query: string): boolean {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLowerCase();
  const title = fold(conversation.title || 'New chat');
  return fold(query)
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => title.includes(word));
}
