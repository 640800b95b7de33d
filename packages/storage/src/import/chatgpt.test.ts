import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readChatGptExport } from './chatgpt.js';

const fixture: unknown = JSON.parse(
  readFileSync(new URL('./fixtures/chatgpt-conversations.json', import.meta.url), 'utf8'),
);
const NOW = 1_800_000_000_000;

describe('ChatGPT conversations.json reader', () => {
  const plan = readChatGptExport(fixture, { now: NOW });
  const sales = plan.items.find((i) => i.conversation.id === 'conv-sales')!;
  const garden = plan.items.find((i) => i.conversation.id === 'conv-garden')!;

  it('imports the branch that ends at current_node, in order, leaving edited branches out', () => {
    expect(sales.messages.map((m) => m.id)).toEqual(['user-1b', 'asst-code', 'tool-out', 'asst-final']);
    const note = plan.skipped.find((s) => s.id === 'conv-sales' && /other branches/.test(s.reason));
    expect(note?.reason).toMatch(/3 message\(s\) on other branches/);
  });

  it('keeps titles, conversation times (seconds -> ms), archive flag and uses ChatGPT ids', () => {
    expect(sales.conversation).toMatchObject({
      id: 'conv-sales',
      projectId: 'default',
      title: 'Plotting sales data',
      createdAt: 1714000000500,
      updatedAt: 1714000300250,
      archived: false,
    });
    expect(garden.conversation).toMatchObject({
      archived: true,
      title: 'Custom instructions and a half-written answer',
    });
  });

  it('converts message create_time and update_time from seconds to ms', () => {
    const [user, , tool] = sales.messages;
    expect(user).toMatchObject({ role: 'user', createdAt: 1714000100123, updatedAt: 1714000100123 });
    expect(tool).toMatchObject({ createdAt: 1714000106000, updatedAt: 1714000107000 });
  });

  it('skips null messages and hidden system or context messages, saying why', () => {
    expect(plan.skipped.find((s) => s.id === 'root-1')?.reason).toMatch(/has no message/);
    expect(plan.skipped.find((s) => s.id === 'sys-1')?.reason).toMatch(/hidden system message/);
    expect(plan.skipped.find((s) => s.id === 'ctx-2')?.reason).toMatch(/hidden user message/);
    for (const s of plan.skipped) expect(s.reason).toMatch(/conversation "/);
  });

  it('keeps text parts as content and non-text parts in metadata, files as attachments', () => {
    const user = sales.messages[0]!;
    expect(user.content).toBe('Plot the sales in this screenshot as a bar chart');
    expect(user.metadata?.attachments).toEqual([{ name: 'sales.png', mediaType: 'image/png', size: 48213 }]);
    const extra = user.metadata?.chatgpt as { contentType: string; parts: { asset_pointer: string }[] };
    expect(extra.contentType).toBe('multimodal_text');
    expect(extra.parts[0]?.asset_pointer).toBe('file-service://file-AbC123');
  });

  it('turns code sent to a tool into a tool call, and the tool output into a tool message answering it', () => {
    const [, call, result, final] = sales.messages;
    expect(call).toMatchObject({
      role: 'assistant',
      content: '',
      toolCalls: [
        {
          id: 'asst-code',
          name: 'python',
          arguments: {
            language: 'unknown',
            code: "import matplotlib.pyplot as plt\nplt.bar(['Q1','Q2'], [10, 20])",
          },
        },
      ],
      metadata: { model: 'gpt-4o' },
    });
    expect(result).toMatchObject({
      role: 'tool',
      toolName: 'python',
      toolCallId: 'asst-code',
      content: '<BarContainer object of 2 artists>',
    });
    expect(final).toMatchObject({ role: 'assistant', content: 'Q2 sales doubled compared to Q1.' });
  });

  it('marks an unfinished reply interrupted and keeps order when two messages share a second', () => {
    const [question, answer] = garden.messages;
    expect(answer).toMatchObject({ status: 'interrupted', content: 'Prune suckers weekly once the plant' });
    expect(answer!.createdAt).toBeGreaterThan(question!.createdAt!);
  });

  it('imports into the requested project', () => {
    const other = readChatGptExport(fixture, { now: NOW, projectId: 'garden' });
    for (const item of other.items) {
      expect(item.conversation.projectId).toBe('garden');
      for (const m of item.messages) expect(m.projectId).toBe('garden');
    }
  });

  it('falls back to the newest leaf when current_node is missing', () => {
    const copy = structuredClone(fixture) as { current_node?: string }[];
    delete copy[0]!.current_node;
    const [item] = readChatGptExport(copy.slice(0, 1), { now: NOW }).items;
    expect(item!.messages.at(-1)?.id).toBe('asst-final');
  });

  it('reports a conversation without any id instead of inventing one', () => {
    const result = readChatGptExport([{ title: 'x', mapping: {} }], { now: NOW });
    expect(result.items).toEqual([]);
    expect(result.skipped[0]?.reason).toMatch(/neither "conversation_id" nor "id"/);
  });
});
