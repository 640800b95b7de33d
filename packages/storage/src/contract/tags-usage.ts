import { describe, expect, it } from 'vitest';
import { localDay, usageWindow } from '../usage/summary.js';
import { type ContractContext, expectStorageError, messageInput } from './context.js';

const DAY = 86_400_000;

export function tagAndUsageRules(ctx: ContractContext): void {
  describe('tags', () => {
    it('listTags counts each tag once per conversation, case-insensitively, archived ones included', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1', title: 'a' });
      const b = await db.createConversation({ projectId: 'p1', title: 'b' });
      const other = await db.createConversation({ projectId: 'p2', title: 'elsewhere' });
      await db.updateConversation(a.id, { tags: ['Work', 'travel'] });
      await db.updateConversation(b.id, { tags: ['work'], archived: true });
      await db.updateConversation(other.id, { tags: ['private'] });
      expect(await db.listTags('p1')).toEqual([
        { tag: 'travel', count: 1 },
        // The newest conversation's spelling wins.
        { tag: 'work', count: 2 },
      ]);
      expect(await db.listTags('p2')).toEqual([{ tag: 'private', count: 1 }]);
      expect(await db.listTags('none')).toEqual([]);
    });

    it('updateConversation keeps tags tidy: trimmed, single-spaced, no repeat in another case', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const updated = await db.updateConversation(c.id, { tags: ['  road   trip ', 'Road Trip', '', 'x'] });
      expect(updated.tags).toEqual(['road trip', 'x']);
      expect((await db.getConversation(c.id))?.tags).toEqual(['road trip', 'x']);
    });

    it('a tag over 100 characters is refused with the limit named', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await expectStorageError(
        db.updateConversation(c.id, { tags: ['x'.repeat(101)] }),
        'invalid-input',
        /100/,
      );
      expect((await db.getConversation(c.id))?.tags).toEqual([]);
    });
  });

  describe('usage', () => {
    it('usageSummary adds up messages, answers and reported tokens per day, project and model', async () => {
      const db = await ctx.open();
      const now = Date.now();
      const today = now - 1000;
      const yesterday = now - DAY;
      const c1 = await db.createConversation({ projectId: 'p1' });
      const c2 = await db.createConversation({ projectId: 'p2' });
      const q = await db.saveMessage(messageInput(c1, { content: 'q', createdAt: yesterday }));
      await db.saveMessage(
        messageInput(c1, {
          role: 'assistant',
          content: 'a',
          parentId: q.id,
          createdAt: yesterday + 1,
          metadata: { model: 'gpt-x', tokens: { input: 11, output: 7 } },
        }),
      );
      const q2 = await db.saveMessage(messageInput(c2, { content: 'q2', createdAt: today - 2 }));
      await db.saveMessage(
        messageInput(c2, {
          role: 'assistant',
          content: 'a2',
          parentId: q2.id,
          createdAt: today - 1,
          metadata: { model: 'gpt-x', tokens: { input: 13, output: 5 } },
        }),
      );
      // An answer without a usage report, and a tool result (not a message people wrote or read as one).
      const a3 = await db.saveMessage(
        messageInput(c2, { role: 'assistant', content: 'a3', createdAt: today, metadata: { model: 'demo' } }),
      );
      await db.saveMessage(
        messageInput(c2, { role: 'tool', content: '{}', toolCallId: 't', parentId: a3.id, createdAt: today }),
      );

      const summary = await db.usageSummary(usageWindow(7, now));
      expect(summary.totals).toEqual({
        messages: 5,
        answers: 3,
        answersWithTokens: 2,
        inputTokens: 24,
        outputTokens: 12,
      });
      expect(summary.days).toHaveLength(7);
      expect(summary.days.at(-1)?.day).toBe(localDay(now));
      const byDay = Object.fromEntries(summary.days.map((d) => [d.day, d]));
      expect(byDay[localDay(yesterday)]).toMatchObject({ messages: 2, inputTokens: 11, outputTokens: 7 });
      expect(byDay[localDay(today)]).toMatchObject({ messages: 3, inputTokens: 13, outputTokens: 5 });
      // The models that answered each day, most answers first.
      if (localDay(yesterday) !== localDay(today)) {
        expect(byDay[localDay(yesterday)]?.models).toEqual(['gpt-x']);
        expect(byDay[localDay(today)]?.models).toEqual(['demo', 'gpt-x']);
      }
      expect(summary.days.filter((d) => d.messages === 0).every((d) => d.models.length === 0)).toBe(true);
      expect(summary.days.filter((d) => d.messages > 0)).toHaveLength(
        localDay(yesterday) === localDay(today) ? 1 : 2,
      );
      expect(summary.projects).toEqual([
        { projectId: 'p2', messages: 3, answers: 2, answersWithTokens: 1, inputTokens: 13, outputTokens: 5 },
        { projectId: 'p1', messages: 2, answers: 1, answersWithTokens: 1, inputTokens: 11, outputTokens: 7 },
      ]);
      expect(summary.models).toEqual([
        { model: 'gpt-x', messages: 2, answers: 2, answersWithTokens: 2, inputTokens: 24, outputTokens: 12 },
        { model: 'demo', messages: 1, answers: 1, answersWithTokens: 0, inputTokens: 0, outputTokens: 0 },
      ]);

      const p1 = await db.usageSummary({ ...usageWindow(7, now), projectId: 'p1' });
      expect(p1.totals).toMatchObject({ messages: 2, inputTokens: 11 });
      expect(p1.projects.map((p) => p.projectId)).toEqual(['p1']);
    });

    it('usageSummary leaves out messages before the window, also in conversations active since', async () => {
      const db = await ctx.open();
      const now = Date.now();
      const old = now - 40 * DAY;
      // Untouched since 40 days: never read for a 30-day window.
      await db.saveConversation({ id: 'old-chat', projectId: 'p1', createdAt: old, updatedAt: old }, [
        { ...messageInput({ id: 'old-chat', projectId: 'p1' }), createdAt: old, updatedAt: old },
      ]);
      const c = await db.createConversation({ projectId: 'p1' });
      const first = await db.saveMessage(messageInput(c, { createdAt: old, updatedAt: old }));
      await db.saveMessage(
        messageInput(c, {
          role: 'assistant',
          parentId: first.id,
          metadata: { tokens: { input: 3, output: 4 } },
        }),
      );
      // The answer was stamped with the adapter's clock: the window ends after it.
      const summary = await db.usageSummary(usageWindow(30));
      expect(summary.days).toHaveLength(30);
      expect(summary.totals).toEqual({
        messages: 1,
        answers: 1,
        answersWithTokens: 1,
        inputTokens: 3,
        outputTokens: 4,
      });
      expect(summary.models).toEqual([
        { model: 'unknown', messages: 1, answers: 1, answersWithTokens: 1, inputTokens: 3, outputTokens: 4 },
      ]);
      const longer = await db.usageSummary(usageWindow(90));
      expect(longer.totals.messages).toBe(3);
    });

    it('usageSummary refuses a window that ends before it starts', async () => {
      const db = await ctx.open();
      await expectStorageError(db.usageSummary({ since: 10, until: 5 }), 'invalid-input', /until/);
      await expectStorageError(db.usageSummary({ since: Number.NaN }), 'invalid-input', /since/);
    });
  });
}
