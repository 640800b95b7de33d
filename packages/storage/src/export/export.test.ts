import fc from 'fast-check';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { expectStorageError } from '../contract/context.js';
import { importConversations } from '../import/index.js';
import type { ConversationInput, MessageInput } from '../types.js';
import { exportConversations, exportConversationsBlob, exportConversationsStream } from './index.js';
import { conversationWith, openDb } from './test-support/databases.js';

const NOW = () => Date.UTC(2025, 5, 1);

const recordsArb = fc
  .array(
    fc.record({
      title: fc.string({ maxLength: 30 }),
      projectId: fc.constantFrom('default', 'work', 'p/ü 1'),
      archived: fc.boolean(),
      pinned: fc.boolean(),
      tags: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }),
      createdAt: fc.integer({ min: 0, max: 2_000_000_000_000 }),
      messages: fc.array(
        fc.record(
          {
            role: fc.constantFrom('user', 'assistant', 'system', 'tool' as const),
            content: fc.string({ unit: 'grapheme', maxLength: 40 }),
            status: fc.constantFrom('pending', 'streaming', 'complete', 'error', 'interrupted' as const),
            toolCalls: fc.array(
              fc.record({
                id: fc.uuid(),
                name: fc.string({ minLength: 1, maxLength: 10 }),
                arguments: fc.jsonValue(),
              }),
              { maxLength: 2 },
            ),
            toolCallId: fc.string({ maxLength: 10 }),
            toolName: fc.string({ maxLength: 10 }),
            toolResult: fc.jsonValue(),
            metadata: fc.record(
              {
                model: fc.string({ maxLength: 10 }),
                tokens: fc.record({ input: fc.nat(), output: fc.nat() }),
                error: fc.string({ maxLength: 10 }),
                attachments: fc.array(
                  fc.record(
                    { name: fc.string(), mediaType: fc.string(), url: fc.webUrl(), size: fc.nat() },
                    { requiredKeys: ['name', 'mediaType'] },
                  ),
                  { maxLength: 2 },
                ),
                reasoning: fc.jsonValue(),
              },
              { requiredKeys: [] },
            ),
            gap: fc.integer({ min: 0, max: 100_000 }),
          },
          { requiredKeys: ['role', 'content', 'status', 'gap'] },
        ),
        { maxLength: 6 },
      ),
    }),
    { maxLength: 4 },
  )
  .map((list) =>
    list.map(({ messages, ...c }, i) => {
      const conversation: ConversationInput = { ...c, id: `conv-${i}`, updatedAt: c.createdAt };
      let time = c.createdAt;
      const inputs: MessageInput[] = messages.map(({ gap, ...m }, j) => {
        time += gap;
        return {
          ...m,
          id: `conv-${i}-msg-${j}`,
          conversationId: conversation.id,
          projectId: c.projectId,
          createdAt: time,
          updatedAt: time + 1,
        };
      });
      return { conversation, messages: inputs };
    }),
  );

describe('Chatkeep JSON export', () => {
  it('round-trips exactly: importing an export into an empty database exports the same text, every field kept', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb, async (records) => {
        const source = await openDb();
        for (const { conversation, messages } of records)
          await source.saveConversation(conversation, messages);
        const first = await exportConversations(source, { format: 'json', now: NOW });

        const copy = await openDb();
        const result = await importConversations(copy, first);
        expect(result.skipped).toEqual([]);
        expect(result.conversations).toBe(records.length);
        expect(result.messages).toBe(records.reduce((n, r) => n + r.messages.length, 0));
        expect(await exportConversations(copy, { format: 'json', now: NOW })).toBe(first);

        // Importing the same file again duplicates nothing and changes nothing.
        await importConversations(copy, first);
        expect(await exportConversations(copy, { format: 'json', now: NOW })).toBe(first);
        await Promise.all([source.close(), copy.close()]);
      }),
      { numRuns: 25 },
    );
  });

  it('writes the documented, versioned envelope', async () => {
    const db = await openDb();
    const { conversation, messages } = conversationWith('c1', ['hi', 'hello']);
    await db.saveConversation(conversation, messages);
    const parsed = JSON.parse(await exportConversations(db, { format: 'json', now: NOW }));
    expect(parsed).toMatchObject({ format: 'chatkeep', version: 2, exportedAt: '2025-06-01T00:00:00.000Z' });
    expect(parsed.conversations).toHaveLength(1);
    expect(parsed.conversations[0]).toEqual({
      ...(await db.getConversation('c1')),
      messages: await db.loadConversation('c1'),
    });
  });
});

describe('export scope', () => {
  async function seeded() {
    const db = await openDb();
    for (const [id, projectId] of [
      ['a1', 'alpha'],
      ['a2', 'alpha'],
      ['b1', 'beta'],
    ] as const) {
      const { conversation, messages } = conversationWith(id, [`text of ${id}`], { projectId });
      await db.saveConversation(conversation, messages);
    }
    await db.updateConversation('a2', { archived: true });
    const ids = async (opts: { projectId?: string; conversationIds?: string[] }) =>
      JSON.parse(await exportConversations(db, { format: 'json', ...opts })).conversations.map(
        (c: { id: string }) => c.id,
      );
    return { db, ids };
  }

  it('covers one conversation, a selection in the given order, a project (archived too), or everything', async () => {
    const { ids } = await seeded();
    expect(await ids({ conversationIds: ['b1'] })).toEqual(['b1']);
    expect(await ids({ conversationIds: ['b1', 'a1'] })).toEqual(['b1', 'a1']);
    expect((await ids({ projectId: 'alpha' })).sort()).toEqual(['a1', 'a2']);
    expect((await ids({})).sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('refuses unknown conversation ids and a bad format before writing anything', async () => {
    const { db } = await seeded();
    await expectStorageError(
      exportConversations(db, { format: 'json', conversationIds: ['nope'] }),
      'not-found',
      /nope/,
    );
    await expectStorageError(
      exportConversations(db, { format: 'json', projectId: 'beta', conversationIds: ['a1'] }),
      'invalid-input',
      /belongs to project alpha/,
    );
    await expectStorageError(
      exportConversations(db, { format: 'pdf' as 'json' }),
      'invalid-input',
      /'json' or 'markdown'/,
    );
  });
});

describe('chunked export', () => {
  it('pages through long conversations in chronological order and the stream equals the string', async () => {
    const db = await openDb();
    const texts = Array.from({ length: 23 }, (_, i) => `message ${i}`);
    const { conversation, messages } = conversationWith('long', texts);
    await db.saveConversation(conversation, messages);
    const chunks: string[] = [];
    for await (const chunk of exportConversationsStream(db, { format: 'json', pageSize: 5, now: NOW }))
      chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(5);
    const whole = await exportConversations(db, { format: 'json', pageSize: 5, now: NOW });
    expect(chunks.join('')).toBe(whole);
    const exported = JSON.parse(whole).conversations[0].messages.map((m: { content: string }) => m.content);
    expect(exported).toEqual(texts);
    const blob = await exportConversationsBlob(db, { format: 'json', pageSize: 5, now: NOW });
    expect(blob.type).toBe('application/json;charset=utf-8');
    expect(await blob.text()).toBe(whole);
  });

  it('includes messages added to a conversation while it is being exported', async () => {
    const db = await openDb();
    const { conversation, messages } = conversationWith(
      'live',
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
    await db.saveConversation(conversation, messages);
    const stream = exportConversationsStream(db, { format: 'json', pageSize: 4, now: NOW });
    const chunks: string[] = [];
    let added = false;
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (!added && chunk.includes('"messages":[')) {
        added = true;
        for (let i = 20; i < 28; i++) {
          await db.saveMessage({
            ...messages[0]!,
            id: `live-late-${i}`,
            content: `m${i}`,
            createdAt: Date.UTC(2025, 0, 2) + i,
            updatedAt: Date.UTC(2025, 0, 2) + i,
          });
        }
      }
    }
    const contents = JSON.parse(chunks.join('')).conversations[0].messages.map(
      (m: { content: string }) => m.content,
    );
    expect(contents).toEqual(Array.from({ length: 28 }, (_, i) => `m${i}`));
  });
});

describe('Markdown export', () => {
  it('is one document with a level-1 heading per conversation and a level-2 heading per message', async () => {
    const db = await openDb();
    const a = conversationWith('a', ['# not a heading\n```\nunclosed fence', 'reply'], { title: 'First' });
    const b = conversationWith('b', ['<!-- open comment', 'two', 'three'], { title: 'Second' });
    await db.saveConversation(a.conversation, a.messages);
    await db.saveConversation(b.conversation, b.messages);
    await db.saveMessage({
      id: 'b-call',
      conversationId: 'b',
      projectId: 'default',
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call-1', name: 'weather', arguments: { city: 'Oslo' } }],
      createdAt: Date.UTC(2025, 0, 1, 1),
    });
    await db.saveMessage({
      id: 'b-result',
      conversationId: 'b',
      projectId: 'default',
      role: 'tool',
      content: '',
      toolCallId: 'call-1',
      toolName: 'weather',
      toolResult: { celsius: -3 },
      createdAt: Date.UTC(2025, 0, 1, 2),
    });
    const markdown = await exportConversations(db, {
      format: 'markdown',
      conversationIds: ['a', 'b'],
      pageSize: 2,
    });
    const tree = unified().use(remarkParse).parse(markdown);
    const headings = tree.children.flatMap((n) =>
      n.type === 'heading'
        ? [`${n.depth}:${n.children.map((c) => ('value' in c ? c.value : '')).join('')}`]
        : [],
    );
    expect(headings).toEqual([
      '1:First',
      '2:User',
      '2:Assistant',
      '1:Second',
      '2:User',
      '2:Assistant',
      '2:User',
      '2:Assistant',
      '2:Tool: weather',
    ]);
    const code = tree.children.flatMap((n) =>
      n.type === 'code' && n.lang === 'json' ? [JSON.parse(n.value)] : [],
    );
    expect(code).toEqual([{ city: 'Oslo' }, { celsius: -3 }]);
  });

  it('keeps code fences and math exactly as written', async () => {
    const db = await openDb();
    const text =
      'Energy $E=mc^2$, \\(a^2+b^2\\) and\n\n$$\n\\int_0^1 x\\,dx\n$$\n\n\\[\\frac{1}{2}\\]\n\n```python\nprint("$5 and $10")\n```';
    const { conversation, messages } = conversationWith('math', ['Show me', text]);
    await db.saveConversation(conversation, messages);
    const markdown = await exportConversations(db, { format: 'markdown', conversationIds: ['math'] });
    expect(markdown).toContain(text);
  });
});
