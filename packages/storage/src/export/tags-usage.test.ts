// Tags and token usage leave in exports and come back with imports.
import { describe, expect, it } from 'vitest';
import { importConversations } from '../import/index.js';
import { usageWindow } from '../usage/summary.js';
import { exportConversations } from './index.js';
import { openDb } from './test-support/databases.js';

async function taggedChatWithUsage() {
  const db = await openDb();
  const c = await db.createConversation({ projectId: 'work', title: 'Budget' });
  await db.updateConversation(c.id, { tags: ['Finance', 'q3 plans'] });
  const q = await db.saveMessage({
    id: 'q1',
    conversationId: c.id,
    projectId: 'work',
    role: 'user',
    content: 'Sum it up',
  });
  await db.saveMessage({
    id: 'a1',
    conversationId: c.id,
    projectId: 'work',
    role: 'assistant',
    content: 'Done.',
    parentId: q.id,
    metadata: { model: 'gpt-x', tokens: { input: 120, output: 45 } },
  });
  return { db, id: c.id };
}

describe('tags and usage in exports', () => {
  it('the JSON export keeps tags and each answer’s tokens; importing it restores both', async () => {
    const { db, id } = await taggedChatWithUsage();
    const json = await exportConversations(db, { format: 'json' });
    const file = JSON.parse(json);
    expect(file.conversations[0].tags).toEqual(['Finance', 'q3 plans']);
    expect(file.conversations[0].messages[1].metadata).toEqual({
      model: 'gpt-x',
      tokens: { input: 120, output: 45 },
    });

    const other = await openDb();
    await importConversations(other, json);
    expect((await other.getConversation(id))?.tags).toEqual(['Finance', 'q3 plans']);
    expect(await other.listTags('work')).toEqual([
      { tag: 'Finance', count: 1 },
      { tag: 'q3 plans', count: 1 },
    ]);
    const window = usageWindow(30);
    expect((await other.usageSummary(window)).totals).toEqual((await db.usageSummary(window)).totals);
    expect((await other.usageSummary(window)).totals).toMatchObject({ inputTokens: 120, outputTokens: 45 });
  });

  it('the Markdown export names the tags in the conversation header', async () => {
    const { db } = await taggedChatWithUsage();
    const md = await exportConversations(db, { format: 'markdown' });
    expect(md).toContain('- Tags: Finance, q3 plans');
  });
});
