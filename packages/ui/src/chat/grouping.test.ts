import type { Conversation } from '@chatkeep/storage';
import { describe, expect, it } from 'vitest';
import { groupConversations, matchesTitle } from './grouping.js';
import { titleFromMessage } from './title.js';

const now = new Date(2025, 5, 15, 12, 0, 0).getTime();
const DAY = 86_400_000;

function conv(id: string, updatedAt: number, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    projectId: 'p',
    title: id,
    createdAt: updatedAt,
    updatedAt,
    archived: false,
    pinned: false,
    tags: [],
    messageCount: 0,
    ...extra,
  };
}

describe('sidebar groups', () => {
  it('puts pinned first, then Today, Yesterday, Previous 7 days, Previous 30 days, Older', () => {
    const groups = groupConversations(
      [
        conv('older', now - 90 * DAY),
        conv('month', now - 20 * DAY),
        conv('week', now - 3 * DAY),
        conv('yesterday', now - DAY),
        conv('today', now - 60_000),
        conv('pinned-old', now - 400 * DAY, { pinned: true }),
      ],
      now,
    );
    expect(groups.map((g) => [g.name, g.conversations.map((c) => c.id)])).toEqual([
      ['Pinned', ['pinned-old']],
      ['Today', ['today']],
      ['Yesterday', ['yesterday']],
      ['Previous 7 days', ['week']],
      ['Previous 30 days', ['month']],
      ['Older', ['older']],
    ]);
  });

  it('counts days by the calendar, not by 24-hour windows', () => {
    const justAfterMidnight = new Date(2025, 5, 15, 0, 5).getTime();
    const lateYesterday = new Date(2025, 5, 14, 23, 50).getTime();
    const [group] = groupConversations([conv('late', lateYesterday)], justAfterMidnight);
    expect(group?.name).toBe('Yesterday');
  });

  it('leaves out empty groups and sorts each group newest first', () => {
    const groups = groupConversations([conv('a', now - 1000), conv('b', now - 10)], now);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.conversations.map((c) => c.id)).toEqual(['b', 'a']);
  });

  it('filters titles by every typed word, ignoring case and accents', () => {
    const c = conv('x', now, { title: 'Café opening hours' });
    expect(matchesTitle(c, 'cafe')).toBe(true);
    expect(matchesTitle(c, 'HOURS café')).toBe(true);
    expect(matchesTitle(c, 'closing')).toBe(false);
  });
});

describe('titles', () => {
  it('takes the first non-empty line of the first message', () => {
    expect(titleFromMessage('\n\n  Plan a trip to Lisbon\nwith kids')).toBe('Plan a trip to Lisbon');
  });

  it('cuts long titles at a word boundary with an ellipsis', () => {
    const title = titleFromMessage(
      'Please explain how hybrid logical clocks order events across devices that disagree about time',
    );
    expect(title.length).toBeLessThanOrEqual(61);
    expect(title.endsWith('…')).toBe(true);
    expect(title).not.toMatch(/\s…$/);
  });
});
