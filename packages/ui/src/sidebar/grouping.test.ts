import type { Conversation } from '@chatkeep/storage';
import { describe, expect, it } from 'vitest';
import { titleFromMessage } from '../chat/title.js';
import { groupConversations, matchesTitle } from './grouping.js';

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

  it('counts calendar days across a clock change (a 23-hour day is still one day)', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
    try {
      // Clocks went forward on 30 March 2025: that day had 23 hours.
      const now = new Date(2025, 2, 31, 12, 0).getTime();
      const twoDaysAgo = new Date(2025, 2, 29, 23, 30).getTime();
      const yesterday = new Date(2025, 2, 30, 0, 30).getTime();
      const groups = groupConversations([conv('yesterday', yesterday), conv('before', twoDaysAgo)], now);
      expect(groups.map((g) => [g.name, g.conversations.map((c) => c.id)])).toEqual([
        ['Yesterday', ['yesterday']],
        ['Previous 7 days', ['before']],
      ]);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('sorts a copy: the list passed in keeps its order', () => {
    const list = [conv('a', now - 1000), conv('b', now - 10)];
    groupConversations(list, now);
    expect(list.map((c) => c.id)).toEqual(['a', 'b']);
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
