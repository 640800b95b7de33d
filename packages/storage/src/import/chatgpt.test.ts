import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readChatGptExport } from './chatgpt.js';

const fixture: unknown = JSON.parse(
  readFileSync(new URL('./fixtures/chatgpt-conversations.json', import.meta.url), 'utf8'),
);
const NOW = 1_800_000_000_000;

/** A ChatGPT mapping node holding one text message; `time` in seconds, as ChatGPT writes it. */
function node(
  id: string,
  parent: string | null,
  role: string,
  text: string,
  time: number,
  extra: { toolName?: string; recipient?: string } = {},
) {
  return {
    id,
    parent,
    message: {
      id,
      author: { role, ...(extra.toolName ? { name: extra.toolName } : {}) },
      ...(extra.recipient ? { recipient: extra.recipient } : {}),
      create_time: time,
      content: { content_type: 'text', parts: [text] },
    },
  };
}

describe('ChatGPT conversations.json reader', () => {
  const plan = readChatGptExport(fixture, { now: NOW });
  const sales = plan.items.find((i) => i.conversation.id === 'conv-sales')!;
  const garden = plan.items.find((i) => i.conversation.id === 'conv-garden')!;

  it('imports every branch, each message under its parent, and current_node as the active leaf', () => {
    const parents = Object.fromEntries(sales.messages.map((m) => [m.id, m.parentId]));
    // The hidden system message and the empty root are left out: the prompts start the conversation.
    expect(parents).toEqual({
      'user-1a': null,
      'asst-1a': 'user-1a',
      'user-1b': null,
      'asst-code': 'user-1b',
      'tool-out': 'asst-code',
      'asst-final-old': 'tool-out',
      'asst-final': 'tool-out',
    });
    expect(sales.conversation.activeLeafId).toBe('asst-final');
    expect(plan.skipped.some((s) => /other branches/.test(s.reason))).toBe(false);
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
    const [user, tool] = ['user-1b', 'tool-out'].map((id) => sales.messages.find((m) => m.id === id));
    expect(user).toMatchObject({ role: 'user', createdAt: 1714000100123, updatedAt: 1714000100123 });
    expect(tool).toMatchObject({ createdAt: 1714000106000, updatedAt: 1714000107000 });
  });

  it('leaves out the empty root and empty hidden system node without a word, and keeps custom instructions as hidden context', () => {
    expect(plan.skipped).toEqual([]);
    expect(sales.notes?.some((n) => n.messageId === 'root-1' || n.messageId === 'sys-1')).toBe(false);
    const user = garden.messages.find((m) => m.id === 'user-2')!;
    expect(user.metadata?.hiddenContext).toEqual([
      expect.objectContaining({ role: 'user', contentType: 'user_editable_context' }),
    ]);
    expect(garden.notes?.find((n) => n.kind === 'hidden')?.text).toMatch(
      /^Hidden user context \(user_editable_context\) ChatGPT did not show as chat is kept/,
    );
  });

  it('keeps text parts as content, and an uploaded image as one attachment entry with its size and dimensions', () => {
    const user = sales.messages.find((m) => m.id === 'user-1b')!;
    expect(user.content).toBe('Plot the sales in this screenshot as a bar chart');
    expect(user.metadata?.attachments).toEqual([
      {
        name: 'sales.png',
        mediaType: 'image/png',
        size: 48213,
        width: 800,
        height: 600,
        assetPointer: 'file-service://file-AbC123',
      },
    ]);
    const extra = user.metadata?.chatgpt as { contentType: string; parts: { asset_pointer: string }[] };
    expect(extra.contentType).toBe('multimodal_text');
    expect(extra.parts[0]?.asset_pointer).toBe('file-service://file-AbC123');
    expect(sales.notes?.filter((n) => n.kind === 'image')).toHaveLength(1);
  });

  it('turns code sent to a tool into a tool call, and the tool output into a tool message answering it', () => {
    const [call, result, final] = ['asst-code', 'tool-out', 'asst-final'].map((id) =>
      sales.messages.find((m) => m.id === id),
    );
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

  it('leaves the active leaf to storage (the newest leaf) when current_node is missing', () => {
    const copy = structuredClone(fixture) as { current_node?: string }[];
    delete copy[0]!.current_node;
    const [item] = readChatGptExport(copy.slice(0, 1), { now: NOW }).items;
    expect(item!.conversation.activeLeafId).toBeUndefined();
    expect(item!.messages).toHaveLength(7);
  });

  it('makes the nearest imported message the active leaf when current_node is a left-out one', () => {
    const copy = structuredClone(fixture) as { current_node?: string }[];
    copy[1]!.current_node = 'ctx-2';
    const [, item] = readChatGptExport(copy, { now: NOW }).items;
    // ctx-2 is hidden and sits above everything: nothing imported is at or above it.
    expect(item!.conversation.activeLeafId).toBeUndefined();
    copy[0]!.current_node = 'sys-1';
    expect(readChatGptExport(copy, { now: NOW }).items[0]!.conversation.activeLeafId).toBeUndefined();
  });

  it('answers each tool call with the tool output on its own branch', () => {
    const mapping = {
      q: node('q', null, 'user', 'Run it twice', 10),
      c1: node('c1', 'q', 'assistant', 'print(1)', 11, { recipient: 'python' }),
      r1: node('r1', 'c1', 'tool', '1', 12, { toolName: 'python' }),
      c2: node('c2', 'q', 'assistant', 'print(2)', 20, { recipient: 'python' }),
      r2: node('r2', 'c2', 'tool', '2', 21, { toolName: 'python' }),
    };
    const [item] = readChatGptExport([{ id: 'c', title: 't', mapping }], { now: NOW }).items;
    const byId = new Map(item!.messages.map((m) => [m.id, m]));
    expect(byId.get('r1')?.toolCallId).toBe('c1');
    expect(byId.get('r2')?.toolCallId).toBe('c2');
  });

  it('repairs a broken tree (parent cycle, missing parent, a reply older than its prompt) and reports each repair', () => {
    const mapping = {
      root: { id: 'root', parent: null, message: null },
      q: node('q', 'root', 'user', 'Question', 100),
      a: node('a', 'q', 'assistant', 'Answer stamped too early', 50),
      lost: node('lost', 'not-in-file', 'user', 'Follow-up whose parent is gone', 200),
      x: node('x', 'y', 'user', 'In a loop', 300),
      y: node('y', 'x', 'assistant', 'Also in the loop', 301),
    };
    const result = readChatGptExport([{ id: 'broken', title: 'Broken', mapping, current_node: 'y' }], {
      now: NOW,
    });
    const [item] = result.items;
    const byId = new Map(item!.messages.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual(['a', 'lost', 'q', 'x', 'y']);
    expect(byId.get('a')).toMatchObject({ parentId: 'q', createdAt: 100_001 });
    expect(byId.get('lost')?.parentId).toBe('q');
    expect(byId.get('x')?.parentId).toBe('lost');
    expect(byId.get('y')?.parentId).toBe('x');
    const reasons = item!.notes!.filter((n) => n.kind === 'tree').map((n) => `${n.messageId}: ${n.text}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^a: Message a: its time is before its parent's/),
        expect.stringMatching(
          /^lost: .*its parent not-in-file is not among the messages imported; it now follows q/,
        ),
        expect.stringMatching(/^x: .*its parents lead back to itself \(x -> y -> x\); it now follows lost/),
      ]),
    );
    expect(item!.conversation.activeLeafId).toBe('y');
  });

  it('reports a conversation without any id instead of inventing one', () => {
    const result = readChatGptExport([{ title: 'x', mapping: {} }], { now: NOW });
    expect(result.items).toEqual([]);
    expect(result.skipped[0]?.reason).toMatch(/neither "conversation_id" nor "id"/);
  });
});
