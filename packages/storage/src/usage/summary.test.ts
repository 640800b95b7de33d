import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectStorageError } from '../contract/context.js';
import type { Message } from '../types.js';
import { localDay, reportedTokens, UsageTally, usageWindow } from './summary.js';

function message(overrides: Partial<Message>): Message {
  return {
    id: 'm',
    conversationId: 'c',
    projectId: 'p',
    role: 'assistant',
    content: '',
    status: 'complete',
    parentId: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

describe('usage window and days', () => {
  const zone = process.env.TZ;
  beforeEach(() => {
    // A zone with daylight saving: 2026-03-29 has 23 hours there.
    process.env.TZ = 'Europe/Berlin';
  });
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('the last 30 days start at local midnight 29 days before today', () => {
    const now = new Date(2026, 3, 10, 15, 30).getTime();
    const { since, until } = usageWindow(30, now);
    expect(until).toBe(now);
    expect(new Date(since)).toEqual(new Date(2026, 2, 12, 0, 0));
  });

  it('lists every local day once across a daylight-saving change, empty days as zeros', () => {
    const now = new Date(2026, 3, 2, 9).getTime();
    const tally = new UsageTally(usageWindow(7, now));
    tally.add(message({ createdAt: new Date(2026, 2, 29, 23, 30).getTime() }));
    const { days } = tally.result();
    expect(days.map((d) => d.day)).toEqual([
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
      '2026-03-31',
      '2026-04-01',
      '2026-04-02',
    ]);
    expect(days.map((d) => d.answers)).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(localDay(new Date(2026, 2, 29, 23, 30).getTime())).toBe('2026-03-29');
  });

  it('refuses a window of no days', async () => {
    await expectStorageError(
      Promise.resolve().then(() => usageWindow(0)),
      'invalid-input',
      /positive/,
    );
  });
});

describe('usage tally', () => {
  it('reads token counts only where they are numbers; a half report counts its known half', () => {
    expect(reportedTokens(message({ metadata: { tokens: { input: 5, output: 2 } } }))).toEqual({
      input: 5,
      output: 2,
    });
    expect(reportedTokens(message({ metadata: { tokens: { input: 5 } as never } }))).toEqual({
      input: 5,
      output: 0,
    });
    expect(reportedTokens(message({ metadata: { tokens: 'lots' as never } }))).toBeUndefined();
    expect(
      reportedTokens(message({ metadata: { tokens: { input: -1, output: Number.NaN } } })),
    ).toBeUndefined();
    expect(reportedTokens(message({}))).toBeUndefined();
  });

  it('leaves out what falls outside the window or the project, and tool and system messages', () => {
    const tally = new UsageTally({ since: 100, until: 200, projectId: 'p' });
    tally.add(message({ createdAt: 99 }));
    tally.add(message({ createdAt: 201 }));
    tally.add(message({ createdAt: 150, projectId: 'other' }));
    tally.add(message({ createdAt: 150, role: 'tool' }));
    tally.add(message({ createdAt: 150, role: 'system' }));
    tally.add(message({ createdAt: 150, role: 'user' }));
    tally.add(message({ createdAt: 200, metadata: { model: 'm', tokens: { input: 1, output: 2 } } }));
    expect(tally.result().totals).toEqual({
      messages: 2,
      answers: 1,
      answersWithTokens: 1,
      inputTokens: 1,
      outputTokens: 2,
    });
    expect(tally.result().models.map((m) => m.model)).toEqual(['m']);
  });
});
