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

  it('names in the report what it left out, repaired or kept out of sight', async () => {
    const db = await openDb();
    const { skipped } = await importConversations(db, claude);
    const reasons = skipped.map((s) => `${s.id ?? '-'}: ${s.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^m-empty: .*empty assistant message/),
        expect.stringMatching(
          /^m-lost: .*its parent m-deleted-upstream is not among the messages imported; it now follows m-a1/,
        ),
        expect.stringMatching(/^m-h1: .*"soil-test.txt" is kept with the message/),
        expect.stringMatching(/^m-h2: .*file "garden-bed.jpg" not included in the export/),
        expect.stringMatching(/^m-a2: .*content block "voice_note" kept in metadata.claude.blocks/),
        expect.stringMatching(/^old-3: .*sender "system" is neither "human" nor "assistant"/),
        expect.stringMatching(/^-: conversations\[2\], conversation "No id": has no "uuid"/),
      ]),
    );
    expect(skipped).toHaveLength(7);
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
    const { skipped } = await importConversations(db, JSON.stringify(file));
    const parents = Object.fromEntries((await db.loadConversation('loop')).map((m) => [m.id, m.parentId]));
    expect(parents).toEqual({ q: null, x: 'q', y: 'x' });
    expect(skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/message x: its parents lead back to itself \(x -> y -> x\); it now follows q/),
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
