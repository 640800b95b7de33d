import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectStorageError } from '../contract/context.js';
import { exportConversations } from '../export/index.js';
import { conversationWith, indexedDB, newDbName, openDb, track } from '../export/test-support/databases.js';
import { IndexedDBAdapter } from '../indexeddb/index.js';
import { withQuota } from '../indexeddb/test-support/quota-factory.js';
import { importConversations } from './index.js';

const chatgpt = readFileSync(new URL('./fixtures/chatgpt-conversations.json', import.meta.url), 'utf8');

describe('importing ChatGPT conversations.json', () => {
  it('saves every branch of each conversation and reports what it kept differently', async () => {
    const db = await openDb();
    const result = await importConversations(db, chatgpt);
    expect(result).toMatchObject({
      format: 'chatgpt',
      conversations: 2,
      messages: 9,
      conversationIds: ['conv-sales', 'conv-garden'],
    });
    // The empty root and the empty hidden system node are nothing to report; the custom instructions are kept.
    expect(result.skipped).toEqual([]);
    expect(result.report.counts.map((c) => c.text)).toEqual([
      '2 branches kept as versions',
      '1 image not included in the export',
      '2 tool calls or results kept as tool messages',
      '1 hidden context kept out of the chat',
    ]);
    const sales = await db.getConversation('conv-sales');
    expect(sales).toMatchObject({ title: 'Plotting sales data', projectId: 'default' });
    expect(await db.loadConversation('conv-sales')).toHaveLength(7);
    expect(await db.listConversations('default')).toHaveLength(1);
    expect(await db.listConversations('default', { includeArchived: true })).toHaveLength(2);
  });

  it('does not duplicate anything when the same file is imported again', async () => {
    const db = await openDb();
    await importConversations(db, chatgpt);
    const before = await exportConversations(db, { format: 'json', now: () => 0 });
    const again = await importConversations(db, chatgpt, { format: 'chatgpt' });
    expect(again.conversations).toBe(2);
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(before);
  });

  it('imports into the project asked for', async () => {
    const db = await openDb();
    await importConversations(db, chatgpt, { projectId: 'imported' });
    expect(await db.listProjects()).toEqual(['imported']);
  });
});

describe('importing AI SDK messages', () => {
  const messages = [
    {
      id: 'u1',
      role: 'user',
      content: 'What is the capital of Norway?',
      createdAt: '2024-03-01T10:00:00.000Z',
    },
    {
      id: 'a1',
      role: 'assistant',
      parts: [{ type: 'text', text: 'Oslo.' }],
      createdAt: '2024-03-01T10:00:05.000Z',
    },
  ];

  it('saves a plain array of UI messages as one conversation, titled by the first question', async () => {
    const db = await openDb();
    const result = await importConversations(db, JSON.stringify(messages));
    expect(result).toMatchObject({
      format: 'ai-sdk',
      conversations: 1,
      messages: 2,
      conversationIds: ['ai-sdk-u1'],
    });
    const conversation = await db.getConversation('ai-sdk-u1');
    expect(conversation).toMatchObject({
      title: 'What is the capital of Norway?',
      projectId: 'default',
      messageCount: 2,
    });
    expect((await db.loadConversation('ai-sdk-u1')).map((m) => m.content)).toEqual([
      'What is the capital of Norway?',
      'Oslo.',
    ]);
  });

  it('updates the same conversation when the chat is imported again, grown longer', async () => {
    const db = await openDb();
    await importConversations(db, JSON.stringify(messages));
    const longer = [
      ...messages,
      { id: 'u2', role: 'user', content: 'And Sweden?', createdAt: '2024-03-01T10:01:00.000Z' },
    ];
    await importConversations(db, JSON.stringify(longer));
    expect(await db.listConversations('default')).toHaveLength(1);
    expect((await db.getConversation('ai-sdk-u1'))?.messageCount).toBe(3);
  });
});

describe('import validation', () => {
  it('refuses text that is not JSON, saying which formats it reads', async () => {
    const db = await openDb();
    await expectStorageError(
      importConversations(db, '# My chat\n\nhello'),
      'import-failed',
      /not valid JSON.*ChatGPT/s,
    );
  });

  it('refuses JSON of an unknown shape', async () => {
    const db = await openDb();
    await expectStorageError(
      importConversations(db, '{"hello": 1}'),
      'import-failed',
      /not recognised.*Chatkeep export/,
    );
    await expectStorageError(
      importConversations(db, '[{"role": "user"}]', { format: 'chatgpt' }),
      'import-failed',
      /mapping/,
    );
  });

  it('refuses a Chatkeep export of a newer version', async () => {
    const db = await openDb();
    const text = JSON.stringify({ format: 'chatkeep', version: 3, exportedAt: '', conversations: [] });
    await expectStorageError(importConversations(db, text), 'import-failed', /version 3.*Update Chatkeep/);
  });

  it('skips invalid records, naming the conversation, the message and the field, and imports the rest', async () => {
    const source = await openDb();
    const { conversation, messages } = conversationWith('good', ['one', 'two', 'three']);
    await source.saveConversation(conversation, messages);
    const file = JSON.parse(await exportConversations(source, { format: 'json' }));
    file.conversations[0].messages[1].role = 'robot';
    file.conversations.push({ ...file.conversations[0], id: 'bad', title: 42, messages: [] });

    const db = await openDb();
    const result = await importConversations(db, JSON.stringify(file));
    expect(result.conversations).toBe(1);
    expect(result.messages).toBe(2);
    expect(result.skipped).toEqual([
      {
        id: 'good-m000001',
        reason: expect.stringMatching(/conversation "Conversation good" \(good\), messages\[1\]: .*role/),
      },
      { id: 'bad', reason: expect.stringMatching(/conversations\[1\].*\(bad\).*title/) },
    ]);
    // The message after the skipped one follows the one before it, so the branch stays whole.
    expect((await db.loadConversation('good')).map((m) => m.parentId)).toEqual([null, 'good-m000000']);
  });

  it('saves each conversation whole or not at all, and reports the one that failed', async () => {
    const db = await openDb();
    // A message id already used by another conversation cannot be moved: that conversation fails as a whole.
    const taken = conversationWith('taken', ['existing']);
    await db.saveConversation(taken.conversation, taken.messages);
    const clash = conversationWith('clash', ['new one', 'second']);
    clash.messages[1]!.id = 'taken-m000000';
    const fine = conversationWith('fine', ['hello']);
    const source = await openDb();
    await source.saveConversation(clash.conversation, clash.messages);
    await source.saveConversation(fine.conversation, fine.messages);

    const result = await importConversations(db, await exportConversations(source, { format: 'json' }));
    expect(result.conversationIds).toEqual(['fine']);
    expect(result.skipped).toEqual([
      {
        id: 'clash',
        reason: expect.stringMatching(/\(clash\) was not imported: .*belongs to conversation taken/),
      },
    ]);
    expect(await db.getConversation('clash')).toBeUndefined();
    expect(await db.loadConversation('clash')).toEqual([]);
  });
});

describe('import transactions', () => {
  it('keeps every conversation whole or absent when storage fills up, and says how many were saved', async () => {
    const source = await openDb();
    const ids = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      const { conversation, messages } = conversationWith(id, Array(10).fill('x'.repeat(200)));
      await source.saveConversation(conversation, messages);
    }
    const file = await exportConversations(source, { format: 'json' });
    const inFileOrder = (JSON.parse(file) as { conversations: { id: string }[] }).conversations.map(
      (c) => c.id,
    );
    const dbName = newDbName('quota');
    // Room for about half of the file's records.
    const db = track(
      await IndexedDBAdapter.open({ dbName, indexedDB: withQuota(indexedDB, dbName, file.length) }),
    );

    const error = await expectStorageError(importConversations(db, file), 'quota-exceeded');
    const [, saved, total, failed] = /: (\d+) of (\d+) conversations .* nothing of .*\((c\d\d)\)/.exec(
      error.message,
    )!;
    expect(Number(total)).toBe(30);
    expect(Number(saved)).toBeGreaterThan(0);
    expect(Number(saved)).toBeLessThan(30);
    // What the message says is what is stored: the file's first `saved` conversations, each with all its messages.
    const stored = (await db.listConversations('default')).map((c) => c.id).sort();
    expect(stored).toEqual(inFileOrder.slice(0, Number(saved)).sort());
    for (const id of stored) expect(await db.loadConversation(id)).toHaveLength(10);
    expect(failed).toBe(inFileOrder[Number(saved)]);
    expect(await db.loadConversation(failed!)).toEqual([]);
  });

  it('imports into an existing conversation without losing what the file leaves out', async () => {
    const db = await openDb();
    const local = conversationWith('shared', ['first', 'second']);
    local.messages[0]!.metadata = { model: 'local-model' };
    await db.saveConversation(local.conversation, local.messages);
    const [pushed] = (await db.pendingChanges(10)).filter((c) => c.id === 'shared-m000000');
    await db.markPushed([{ kind: 'message', id: pushed!.id, hlc: pushed!.hlc, version: 5 }], 1);

    const source = await openDb();
    const remote = conversationWith('shared', ['first, edited', 'second', 'third']);
    await source.saveConversation(remote.conversation, remote.messages);
    const result = await importConversations(db, await exportConversations(source, { format: 'json' }));

    expect(result.messages).toBe(3);
    const messages = await db.loadConversation('shared');
    expect(messages.map((m) => m.content)).toEqual(['first, edited', 'second', 'third']);
    expect(messages[0]!.metadata).toEqual({ model: 'local-model' });
    expect(await db.getSyncMetadata('message', 'shared-m000000')).toMatchObject({
      syncStatus: 'pending',
      version: 5,
    });
    expect(await db.getConversation('shared')).toMatchObject({ messageCount: 3, lastMessage: 'third' });
  });

  it('leaves out a ChatGPT conversation whose message breaks a record rule, saying which rule', async () => {
    const db = await openDb();
    const file = JSON.parse(chatgpt) as { mapping: Record<string, { message?: { id?: string } }> }[];
    const node = Object.values(file[0]!.mapping).find((n) => n.message?.id === 'asst-final');
    node!.message!.id = 'x'.repeat(300);
    const result = await importConversations(db, JSON.stringify(file));
    expect(result.conversationIds).toEqual(['conv-garden']);
    expect(result.skipped).toContainEqual({
      id: 'conv-sales',
      reason: expect.stringMatching(
        /was not imported: .*messages\[\d+\] is invalid: id: must be at most 200/,
      ),
    });
  });

  it('refuses a project id that no record could carry', async () => {
    const db = await openDb();
    await expectStorageError(
      importConversations(db, chatgpt, { projectId: 'p'.repeat(201) }),
      'invalid-input',
      /projectId.*200 characters/,
    );
    expect(await db.listProjects()).toEqual([]);
  });
});
