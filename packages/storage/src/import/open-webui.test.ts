import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportConversations } from '../export/index.js';
import { openDb } from '../export/test-support/databases.js';
import { importConversations } from './index.js';

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

  it('reports the empty message and the repaired parent', async () => {
    const db = await openDb();
    const { skipped } = await importConversations(db, chats);
    expect(skipped.map((s) => s.id)).toEqual(['a2', 'stray']);
    expect(skipped[0]?.reason).toMatch(/empty assistant message/);
    expect(skipped[1]?.reason).toMatch(
      /its parent gone is not among the messages imported; it now follows a1b/,
    );
  });

  it('adds nothing when the same file is imported twice', async () => {
    const db = await openDb();
    await importConversations(db, chats);
    const before = await exportConversations(db, { format: 'json', now: () => 0 });
    await importConversations(db, chats, { format: 'open-webui' });
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(before);
  });
});
