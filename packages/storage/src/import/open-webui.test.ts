import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportConversations } from '../export/index.js';
import { openDb } from '../export/test-support/databases.js';
import { importConversations } from './index.js';
import { splitReasoning } from './open-webui-reasoning.js';

const chats = readFileSync(new URL('./fixtures/open-webui-chats.json', import.meta.url), 'utf8');

describe('importing an Open WebUI chat export', () => {
  it('saves the tree with the branch Open WebUI showed as the active one', async () => {
    const db = await openDb();
    const result = await importConversations(db, chats);
    expect(result).toMatchObject({
      format: 'open-webui',
      conversations: 2,
      messages: 8,
      conversationIds: ['owui-chat-1', 'owui-chat-2'],
    });
    const parents = Object.fromEntries(
      (await db.loadConversation('owui-chat-1')).map((m) => [m.id, m.parentId]),
    );
    expect(parents).toEqual({
      u1: null,
      a1: 'u1',
      a1b: 'u1',
      u2: 'a1',
      // a2 is empty and left out: its answer follows the question above it.
      a3: 'u2',
      stray: 'a1b',
    });
    // a1b is newer than the whole branch through a1, yet currentId names a3.
    expect((await db.getConversation('owui-chat-1'))?.activeLeafId).toBe('a3');
    expect((await db.getMessages('owui-chat-1')).messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a3']);
  });

  it('keeps archived and pinned flags, tags, models, token counts and files', async () => {
    const db = await openDb();
    await importConversations(db, chats);
    expect(await db.getConversation('owui-chat-1')).toMatchObject({
      title: 'Sourdough starter',
      archived: false,
      pinned: true,
      tags: ['baking'],
      createdAt: 1718000000000,
      updatedAt: 1718000300000,
    });
    const byId = new Map((await db.loadConversation('owui-chat-1')).map((m) => [m.id, m]));
    expect(byId.get('a1')).toMatchObject({
      content: 'Once a day at room temperature.',
      createdAt: 1718000005000,
      metadata: {
        model: 'llama3.1:8b',
        modelName: 'Llama 3.1 8B',
        tokens: { input: 14, output: 9 },
        openWebui: {
          modelIdx: 0,
          usage: { prompt_tokens: 14, completion_tokens: 9, total_duration: 812345 },
        },
      },
    });
    expect(byId.get('a1b')?.metadata?.model).toBe('mistral:7b');
    expect(byId.get('u2')?.metadata?.attachments).toEqual([
      { name: 'jar.png', mediaType: 'image/*', url: 'data:image/png;base64,iVBORw0KGgo=' },
    ]);
    expect(await db.getConversation('owui-chat-2')).toMatchObject({
      archived: true,
      title: 'Name three prime numbers',
    });
    expect(await db.listConversations('default')).toHaveLength(1);
  });

  it('reads an older chat that has only the flat message list', async () => {
    const db = await openDb();
    await importConversations(db, chats);
    const flat = await db.loadConversation('owui-chat-2');
    expect(flat.map((m) => [m.id, m.parentId, m.metadata?.model])).toEqual([
      ['f1', null, undefined],
      ['f2', 'f1', 'gpt-4o'],
    ]);
  });

  it('reports the empty message, the repaired parent and the other branch', async () => {
    const db = await openDb();
    const { skipped, report } = await importConversations(db, chats);
    expect(skipped).toEqual([]);
    expect(report.counts.map((c) => c.text)).toEqual([
      '1 branch kept as versions',
      '1 empty message left out',
      '1 broken link in the message tree repaired',
    ]);
    expect(report.conversations).toEqual([
      {
        conversationId: 'owui-chat-1',
        title: 'Sourdough starter',
        notes: [
          { kind: 'empty', messageId: 'a2', text: 'An empty assistant message was left out.' },
          {
            kind: 'tree',
            messageId: 'stray',
            text: 'Message stray: its parent gone is not among the messages imported; it now follows a1b, the message before it in time.',
          },
          {
            kind: 'branch',
            text: '1 other branch (an edited prompt or a regenerated answer) from Open WebUI is kept as a version; "Previous version" and "Next version" switch to it.',
          },
        ],
      },
    ]);
  });

  it('reports files the export holds only by name and error messages; skips a message of no known role', async () => {
    const db = await openDb();
    const message = (id: string, parentId: string | null, fields: Record<string, unknown>) => ({
      id,
      parentId,
      childrenIds: [],
      timestamp: 1718000000 + (parentId ? 1 : 0),
      ...fields,
    });
    const file = [
      {
        id: 'odd',
        title: 'Odd',
        chat: {
          history: {
            currentId: 'a',
            messages: {
              q: message('q', null, {
                role: 'user',
                content: 'Read these',
                files: [
                  { type: 'file', name: 'notes.pdf' },
                  { type: 'file', name: 'table.csv' },
                  { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
                ],
              }),
              a: message('a', 'q', { role: 'assistant', content: '', error: { content: 'Model not found' } }),
              n: message('n', 'q', { role: 'narrator', content: 'Meanwhile' }),
            },
          },
        },
      },
    ];
    const { skipped, report } = await importConversations(db, JSON.stringify(file));
    expect(skipped).toEqual([
      {
        id: 'n',
        reason:
          'conversation "Odd" (odd), message n: role "narrator" is not user, assistant, system or tool.',
      },
    ]);
    expect(report.counts.map((c) => c.text)).toEqual([
      '2 files not included in the export',
      '1 error message kept',
    ]);
    expect(report.conversations[0]?.notes).toEqual([
      {
        kind: 'file',
        messageId: 'q',
        text: 'Files "notes.pdf", "table.csv" are not included in the export; listed by name only.',
        count: 2,
      },
      { kind: 'error', messageId: 'a', text: 'Open WebUI\'s error message "Model not found" is kept.' },
    ]);
    expect((await db.getMessages('odd')).messages.map((m) => [m.id, m.status])).toEqual([
      ['q', 'complete'],
      ['a', 'error'],
    ]);
  });

  it('adds nothing when the same file is imported twice', async () => {
    const db = await openDb();
    await importConversations(db, chats);
    const before = await exportConversations(db, { format: 'json', now: () => 0 });
    await importConversations(db, chats, { format: 'open-webui' });
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(before);
  });
});

describe("Open WebUI's reasoning inside an answer", () => {
  it('keeps <details type="reasoning"> and <think> as the answer\'s reasoning, not as text, and says so', async () => {
    const db = await openDb();
    const answer = (id: string, parentId: string, content: string, timestamp: number) => ({
      id,
      parentId,
      childrenIds: [],
      role: 'assistant',
      content,
      timestamp,
    });
    const file = [
      {
        id: 'thinking',
        title: 'Thinking',
        chat: {
          history: {
            currentId: 'a2',
            messages: {
              q: {
                id: 'q',
                parentId: null,
                childrenIds: ['a1', 'a2'],
                role: 'user',
                content: 'Why?',
                timestamp: 1,
              },
              a1: answer(
                'a1',
                'q',
                '<details type="reasoning" done="true" duration="3">\n<summary>Thought for 3 seconds</summary>\n> First, the sky.\n> \n> Then **light**.\n</details>\nBecause of Rayleigh scattering.',
                2,
              ),
              a2: answer('a2', 'q', '<think>\nShort answer wanted.\n</think>\n\nScattering.', 3),
            },
          },
        },
      },
    ];
    const { report } = await importConversations(db, JSON.stringify(file));
    const byId = new Map((await db.loadConversation('thinking')).map((m) => [m.id, m]));
    expect(byId.get('a1')).toMatchObject({
      content: 'Because of Rayleigh scattering.',
      metadata: { reasoning: 'First, the sky.\n\nThen **light**.', reasoningRecap: 'Thought for 3 seconds' },
    });
    expect(byId.get('a2')).toMatchObject({
      content: 'Scattering.',
      metadata: { reasoning: 'Short answer wanted.' },
    });
    expect(report.counts.map((c) => c.text)).toContain('2 answers\' reasoning kept as "Reasoning" blocks');
  });

  it('leaves other <details> blocks and user text as written', () => {
    const text = '<details type="tool_calls"><summary>Tool</summary>x</details>\nDone.';
    expect(splitReasoning(text)).toEqual({ content: text });
    expect(splitReasoning('plain')).toEqual({ content: 'plain' });
  });
});
