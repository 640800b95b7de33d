import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportConversations } from '../export/index.js';
import { openDb } from '../export/test-support/databases.js';
import { importConversations } from './index.js';

const claude = readFileSync(new URL('./fixtures/claude-conversations.json', import.meta.url), 'utf8');
const TREE = 'c1a0e4d2-0000-4000-8000-000000000001';
const FLAT = 'c1a0e4d2-0000-4000-8000-000000000002';

describe("importing Claude.ai's conversations.json", () => {
  it('recognises the file and saves every branch, the newest leaf active', async () => {
    const db = await openDb();
    const result = await importConversations(db, claude);
    expect(result).toMatchObject({ format: 'claude', conversations: 2, conversationIds: [TREE, FLAT] });
    const messages = await db.loadConversation(TREE);
    const parentOf = Object.fromEntries(messages.map((m) => [m.id, m.parentId]));
    expect(parentOf).toEqual({
      'm-h1': null,
      'm-a1': 'm-h1',
      'm-a1b': 'm-h1',
      'm-h2': 'm-a1b',
      'm-a2': 'm-h2',
      'm-a2:tool:1': 'm-a2',
      // Its parent was an empty message, left out: it follows the message above that.
      'm-h3': 'm-a2:tool:1',
      // Its parent is not in the file: it follows the message before it in time.
      'm-lost': 'm-a1',
    });
    const conversation = await db.getConversation(TREE);
    expect(conversation).toMatchObject({ title: 'Planning a spring garden', activeLeafId: 'm-h3' });
    expect((await db.getMessages(TREE)).messages.map((m) => m.id)).toEqual([
      'm-h1',
      'm-a1b',
      'm-h2',
      'm-a2',
      'm-a2:tool:1',
      'm-h3',
    ]);
    expect((await db.listVersions('m-a1b')).versions.map((m) => m.id)).toEqual(['m-a1', 'm-a1b']);
  });

  it('keeps thinking as reasoning, tool use as calls and results, attachments with their text', async () => {
    const db = await openDb();
    await importConversations(db, claude);
    const byId = new Map((await db.loadConversation(TREE)).map((m) => [m.id, m]));
    expect(byId.get('m-a1')).toMatchObject({
      role: 'assistant',
      content: 'Peas and spinach do well in loamy soil.',
      metadata: { reasoning: 'The soil is slightly acidic and loamy; cool-season crops fit.' },
    });
    expect(byId.get('m-h1')?.metadata).toEqual({
      attachments: [{ name: 'soil-test.txt', mediaType: 'text/plain', size: 38 }],
      claude: {
        extractedContent: [{ name: 'soil-test.txt', text: 'pH 6.5, loamy, nitrogen slightly low.' }],
      },
    });
    expect(byId.get('m-h2')?.metadata?.attachments).toEqual([
      { name: 'garden-bed.jpg', mediaType: 'application/octet-stream' },
    ]);
    const a2 = byId.get('m-a2')!;
    expect(a2.content).toBe('Let me check planting calendars.\n\nPlant garlic and broad beans in October.');
    expect(a2.toolCalls).toEqual([
      { id: 'toolu_01', name: 'web_search', arguments: { query: 'autumn planting calendar' } },
    ]);
    expect(a2.metadata?.claude).toEqual({
      blocks: [{ type: 'voice_note', title: 'Reading aloud', duration: 12 }],
    });
    expect(byId.get('m-a2:tool:1')).toMatchObject({
      role: 'tool',
      toolCallId: 'toolu_01',
      toolName: 'web_search',
      content: 'Garlic and broad beans are planted in autumn.',
      toolResult: [{ type: 'text', text: 'Garlic and broad beans are planted in autumn.' }],
    });
  });

  it('names in the report what it kept differently, and skips only what it could not import', async () => {
    const db = await openDb();
    const { report, skipped } = await importConversations(db, claude);
    expect(report.counts.map((c) => c.text)).toEqual([
      '1 branch kept as versions',
      '2 files not included in the export',
      '1 answer\'s reasoning kept as a "Reasoning" block',
      '2 tool calls or results kept as tool messages',
      '1 part of an unknown type kept in metadata',
      '1 empty message left out',
      '1 broken link in the message tree repaired',
    ]);
    expect(report.conversations).toHaveLength(1);
    expect(report.conversations[0]).toMatchObject({
      conversationId: TREE,
      title: 'Planning a spring garden',
    });
    expect(report.conversations[0]?.notes).toEqual([
      {
        kind: 'file',
        messageId: 'm-h1',
        text: 'The text Claude.ai extracted from "soil-test.txt" is kept with the message (metadata.claude.extractedContent); the file itself is not included in the export.',
      },
      {
        kind: 'reasoning',
        messageId: 'm-a1',
        text: 'Thinking is kept as the answer\'s collapsible "Reasoning" block.',
      },
      {
        kind: 'file',
        messageId: 'm-h2',
        text: 'File "garden-bed.jpg" is not included in the export; listed by name only.',
      },
      {
        kind: 'unknown',
        messageId: 'm-a2',
        text: 'Content of type "voice_note" is kept in metadata.claude.blocks, not shown.',
      },
      {
        kind: 'tool',
        messageId: 'm-a2',
        text: '1 tool use and 1 tool result are kept as tool calls and tool messages.',
        count: 2,
      },
      { kind: 'empty', messageId: 'm-empty', text: 'An empty assistant message was left out.' },
      {
        kind: 'tree',
        messageId: 'm-lost',
        text: 'Message m-lost: its parent m-deleted-upstream is not among the messages imported; it now follows m-a1, the message before it in time.',
      },
      {
        kind: 'branch',
        text: '1 other branch (an edited prompt or a regenerated answer) from Claude.ai is kept as a version; "Previous version" and "Next version" switch to it.',
      },
    ]);
    expect(skipped.map((s) => `${s.id ?? '-'}: ${s.reason}`)).toEqual([
      expect.stringMatching(/^old-3: .*sender "system" is neither "human" nor "assistant"/),
      expect.stringMatching(/^-: conversations\[2\], conversation "No id": has no "uuid"/),
    ]);
  });

  it('counts several files, unknown blocks and tool results of one message, and several branches', async () => {
    const db = await openDb();
    const at = (s: number) => `2025-01-01T00:00:0${s}Z`;
    const file = [
      {
        uuid: 'many',
        name: 'Many',
        chat_messages: [
          {
            uuid: 'q',
            sender: 'human',
            text: 'Compare these',
            created_at: at(1),
            parent_message_uuid: '00000000-0000-4000-8000-000000000000',
            attachments: [{ file_name: 'empty.txt', file_type: 'text/plain' }],
            files: [{ file_name: 'a.png', file_kind: 'image' }, { file_name: 'b.pdf' }],
          },
          ...['r1', 'r2', 'r3'].map((uuid, i) => ({
            uuid,
            sender: 'assistant',
            text: '',
            created_at: at(i + 2),
            parent_message_uuid: 'q',
            content: [
              { type: 'text', text: `Answer ${uuid}` },
              { type: 'tool_use', id: `${uuid}-call`, name: 'search', input: {} },
              { type: 'tool_result', tool_use_id: `${uuid}-call`, content: 'found' },
              { type: 'tool_result', tool_use_id: `${uuid}-call`, content: 'more' },
              ...(uuid === 'r3' ? [{ type: 'map' }, { type: 'chart' }] : []),
            ],
          })),
        ],
      },
    ];
    const { report, skipped } = await importConversations(db, JSON.stringify(file));
    expect(skipped).toEqual([]);
    expect(report.counts.map((c) => c.text)).toEqual([
      '2 branches kept as versions',
      '3 files not included in the export',
      '9 tool calls or results kept as tool messages',
      '2 parts of an unknown type kept in metadata',
    ]);
    const texts = report.conversations[0]?.notes.map((n) => n.text);
    expect(texts).toContain(
      'Files "empty.txt", "a.png", "b.pdf" are not included in the export; listed by name only.',
    );
    expect(texts).toContain('1 tool use and 2 tool results are kept as tool calls and tool messages.');
    expect(texts).toContain('Content of type "map", "chart" is kept in metadata.claude.blocks, not shown.');
    expect(texts).toContain(
      '2 other branches (edited prompts or regenerated answers) from Claude.ai are kept as versions; "Previous version" and "Next version" switch between them.',
    );
  });

  it('lists cited web pages as links under the answer and in metadata, keeps every citation, and says so', async () => {
    const db = await openDb();
    const web = (url: string, title?: string) => ({
      uuid: `cite-${url.length}`,
      start_index: 0,
      end_index: 10,
      details: { type: 'web_search_citation', url, ...(title ? { title } : {}) },
    });
    const file = [
      {
        uuid: 'cited',
        name: 'Cited',
        chat_messages: [
          { uuid: 'q', sender: 'human', text: 'Where do peas grow?', created_at: '2025-01-01T00:00:01Z' },
          {
            uuid: 'a',
            sender: 'assistant',
            text: '',
            created_at: '2025-01-01T00:00:02Z',
            parent_message_uuid: 'q',
            content: [
              {
                type: 'text',
                text: 'In cool weather.',
                citations: [
                  web('https://example.org/peas', 'Peas [guide]'),
                  web('https://example.org/peas', 'Peas [guide]'),
                ],
              },
              {
                type: 'text',
                text: 'Also in pots.',
                citations: [
                  web('https://example.com/pots'),
                  { uuid: 'doc', details: { type: 'document_citation', file: 'notes.pdf' } },
                  web('javascript:alert(1)'),
                ],
              },
            ],
          },
        ],
      },
    ];
    const { report } = await importConversations(db, JSON.stringify(file));
    const answer = (await db.loadConversation('cited')).find((m) => m.id === 'a');
    expect(answer?.content).toBe(
      'In cool weather.\n\nAlso in pots.\n\nSources:\n- [Peas \\[guide\\]](https://example.org/peas)\n- [https://example.com/pots](https://example.com/pots)',
    );
    expect(answer?.metadata?.sources).toEqual([
      { sourceType: 'url', id: 'cite-24', url: 'https://example.org/peas', title: 'Peas [guide]' },
      { sourceType: 'url', id: 'cite-24', url: 'https://example.com/pots' },
    ]);
    // Every citation as exported, the ones without a web address (or with an unsafe one) too.
    expect((answer?.metadata?.claude as { citations?: unknown[] } | undefined)?.citations).toHaveLength(5);
    expect(report.counts.map((c) => c.text)).toContain('2 cited sources kept as links');
    expect(report.conversations[0]?.notes.map((n) => n.text)).toContain(
      '2 cited sources are listed as links under the answer (metadata.sources); 2 citations without a web address are kept in metadata.claude.citations, not shown.',
    );
  });

  it('reads an older flat export in order and names an untitled chat by its first prompt', async () => {
    const db = await openDb();
    await importConversations(db, claude);
    const flat = await db.loadConversation(FLAT);
    expect(flat.map((m) => [m.id, m.role, m.parentId])).toEqual([
      ['old-1', 'user', null],
      ['old-2', 'assistant', 'old-1'],
      ['old-4', 'user', 'old-2'],
    ]);
    expect((await db.getConversation(FLAT))?.title).toBe(
      'Explain recursion in one sentence, with a small example that a beginner can…',
    );
  });

  it('repairs messages whose parents lead back to themselves, never refusing the conversation', async () => {
    const db = await openDb();
    const message = (uuid: string, parent: string, sender: string, at: string) => ({
      uuid,
      text: `message ${uuid}`,
      sender,
      created_at: `2025-01-01T00:00:0${at}Z`,
      parent_message_uuid: parent,
    });
    const file = [
      {
        uuid: 'loop',
        name: 'Loop',
        chat_messages: [
          message('q', '00000000-0000-4000-8000-000000000000', 'human', '1'),
          message('x', 'y', 'assistant', '2'),
          message('y', 'x', 'human', '3'),
        ],
      },
    ];
    const { skipped, report } = await importConversations(db, JSON.stringify(file));
    const parents = Object.fromEntries((await db.loadConversation('loop')).map((m) => [m.id, m.parentId]));
    expect(parents).toEqual({ q: null, x: 'q', y: 'x' });
    expect(skipped).toEqual([]);
    expect(report.counts.map((c) => c.text)).toEqual(['1 broken link in the message tree repaired']);
    expect(report.conversations[0]?.notes).toEqual([
      {
        kind: 'tree',
        messageId: 'x',
        text: expect.stringMatching(
          /^Message x: its parents lead back to itself \(x -> y -> x\); it now follows q/,
        ),
      },
    ]);
  });

  it('adds nothing when the same file is imported twice', async () => {
    const db = await openDb();
    await importConversations(db, claude);
    const before = await exportConversations(db, { format: 'json', now: () => 0 });
    const again = await importConversations(db, claude, { format: 'claude' });
    expect(again.conversations).toBe(2);
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(before);
  });

  it("refuses a file that is not Claude.ai's when the format is forced", async () => {
    const db = await openDb();
    await expect(importConversations(db, '[{"mapping": {}}]', { format: 'claude' })).rejects.toThrow(
      /not Claude.ai's conversations.json/,
    );
  });
});
