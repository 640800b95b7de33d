// Export and import of conversations that are trees: Chatkeep JSON version 2
// holds every branch exactly, version 1 files still import, Markdown shows
// the active branch and says where other versions are.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importConversations } from '../import/index.js';
import type { ChatStorageAdapter, MessageInput } from '../types.js';
import { exportConversations } from './index.js';
import { conversationWith, openDb, openLocalDb } from './test-support/databases.js';

const NOW = () => Date.UTC(2025, 5, 1);
const START = Date.UTC(2025, 0, 1);

/** q1 -> a1 (stopped) | a2 (regenerated) -> q2; q1' (edited) -> a3. Active: the branch through a1. */
async function branchy(db: ChatStorageAdapter, id = 'tree', projectId = 'default') {
  await db.createConversation({ id, projectId, title: 'Branches' });
  const at = (n: number) => START + n * 1000;
  const save = (m: Omit<MessageInput, 'conversationId' | 'projectId'>) =>
    db.saveMessage({ ...m, conversationId: id, projectId });
  await save({ id: `${id}-q1`, role: 'user', content: 'Tell me a story', parentId: null, createdAt: at(0) });
  await save({
    id: `${id}-a1`,
    role: 'assistant',
    content: 'Once upon',
    status: 'interrupted',
    metadata: { stopped: true },
    parentId: `${id}-q1`,
    createdAt: at(1),
  });
  await save({
    id: `${id}-a2`,
    role: 'assistant',
    content: 'Long ago',
    parentId: `${id}-q1`,
    createdAt: at(2),
  });
  await save({ id: `${id}-q2`, role: 'user', content: 'Go on', parentId: `${id}-a2`, createdAt: at(3) });
  await save({ id: `${id}-q1e`, role: 'user', content: 'Tell me a poem', parentId: null, createdAt: at(4) });
  await save({
    id: `${id}-a3`,
    role: 'assistant',
    content: 'Roses',
    parentId: `${id}-q1e`,
    createdAt: at(5),
  });
  return db.selectVersion(id, `${id}-a1`);
}

const exportJson = (db: ChatStorageAdapter) => exportConversations(db, { format: 'json', now: NOW });

describe.each([
  ['IndexedDB', openDb],
  ['localStorage', openLocalDb],
] as const)('%s', (_name, open) => {
  describe('Chatkeep JSON version 2', () => {
    it('holds every branch, each message with its parentId, and the conversation with its activeLeafId', async () => {
      const db = await open();
      await branchy(db);
      const file = JSON.parse(await exportJson(db));
      expect(file).toMatchObject({ format: 'chatkeep', version: 2 });
      const [conversation] = file.conversations;
      expect(conversation.activeLeafId).toBe('tree-a1');
      expect(Object.fromEntries(conversation.messages.map((m: MessageInput) => [m.id, m.parentId]))).toEqual({
        'tree-q1': null,
        'tree-a1': 'tree-q1',
        'tree-a2': 'tree-q1',
        'tree-q2': 'tree-a2',
        'tree-q1e': null,
        'tree-a3': 'tree-q1e',
      });
    });

    it('round-trips a tree exactly: same branches, active branch, summaries and text', async () => {
      const source = await open();
      await branchy(source);
      const fork = await source.forkConversation('tree', 'tree-a2', { title: 'Fork' });
      const first = await exportJson(source);

      const copy = await open();
      const result = await importConversations(copy, first);
      expect(result.skipped).toEqual([]);
      expect(result.messages).toBe(6 + 2);
      const a = JSON.parse(first),
        b = JSON.parse(await exportJson(copy));
      expect(b).toEqual(a);
      expect(await exportJson(copy)).toBe(first);
      expect(await copy.getConversation(fork.id)).toEqual(await source.getConversation(fork.id));
      expect((await copy.getConversation(fork.id))?.forkedFrom).toEqual({
        conversationId: 'tree',
        messageId: 'tree-a2',
      });
      const shown = await copy.getMessages('tree');
      expect(shown.messages.map((m) => m.id)).toEqual(['tree-q1', 'tree-a1']);
      expect(await copy.listVersions('tree-a2')).toMatchObject({ index: 1 });
      // Importing the same file again changes nothing.
      await importConversations(copy, first);
      expect(await exportJson(copy)).toBe(first);
    });

    it('round-trips random trees exactly, whichever branch is active (property)', async () => {
      const treeArb = fc.record({
        parents: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        gaps: fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 12, maxLength: 12 }),
        active: fc.nat(),
        projectId: fc.constantFrom('default', 'work'),
      });
      await fc.assert(
        fc.asyncProperty(treeArb, async ({ parents, gaps, active, projectId }) => {
          const source = await open();
          const id = 'random';
          await source.createConversation({ id, projectId, title: 'Random' });
          let time = START;
          const messages: MessageInput[] = parents.map((p, i) => {
            const parent = (p % (i + 1)) - 1;
            time += gaps[i]!;
            return {
              id: `r${String(i).padStart(2, '0')}`,
              conversationId: id,
              projectId,
              role: i % 2 === 0 ? 'user' : 'assistant',
              content: `message ${i}`,
              parentId: parent < 0 ? null : `r${String(parent).padStart(2, '0')}`,
              createdAt: time,
              updatedAt: time,
            };
          });
          await source.saveConversation({ id, projectId }, messages);
          await source.selectVersion(id, messages[active % messages.length]!.id);
          const first = await exportJson(source);

          const copy = await open();
          expect((await importConversations(copy, first)).skipped).toEqual([]);
          expect(await exportJson(copy)).toBe(first);
          expect(await copy.getMessages(id, { limit: 100 })).toEqual(
            await source.getMessages(id, { limit: 100 }),
          );
          await Promise.all([source.close(), copy.close()]);
        }),
        { numRuns: 25 },
      );
    });

    it('puts each conversation back in its own project, unless a project is asked for', async () => {
      const source = await open();
      await branchy(source, 'w', 'work');
      await branchy(source, 'h', 'home');
      const file = await exportJson(source);

      const copy = await open();
      await importConversations(copy, file);
      expect((await copy.listProjects()).sort()).toEqual(['home', 'work']);
      expect((await copy.loadConversation('w')).every((m) => m.projectId === 'work')).toBe(true);

      const into = await open();
      await importConversations(into, file, { projectId: 'imported' });
      expect(await into.listProjects()).toEqual(['imported']);
      expect((await into.loadConversation('h')).every((m) => m.projectId === 'imported')).toBe(true);
    });

    it('repairs a file whose message follows a message it does not hold, and reports it', async () => {
      const source = await open();
      await branchy(source);
      const file = JSON.parse(await exportJson(source));
      const messages = file.conversations[0].messages as MessageInput[];
      // The answer a2 is cut out by hand: q2, which followed it, has lost its parent.
      file.conversations[0].messages = messages.filter((m) => m.id !== 'tree-a2');

      const copy = await open();
      const result = await importConversations(copy, JSON.stringify(file));
      expect(result.messages).toBe(5);
      expect(result.skipped).toEqual([
        {
          id: 'tree-q2',
          reason: expect.stringMatching(
            /message tree-q2: its parent tree-a2 is not among the messages imported; it now follows tree-a1, the message before it in time/,
          ),
        },
      ]);
      expect((await copy.loadConversation('tree')).find((m) => m.id === 'tree-q2')?.parentId).toBe('tree-a1');
    });
  });

  describe('Chatkeep JSON version 1', () => {
    it('still imports: each message follows the one before it, and the last one is shown', async () => {
      const { conversation, messages } = conversationWith('old', ['one', 'two', 'three']);
      const stored = messages.map((m) => ({ ...m, status: 'complete' }));
      const file = {
        format: 'chatkeep',
        version: 1,
        exportedAt: '2025-01-31T12:00:00.000Z',
        conversations: [
          { ...conversation, archived: false, pinned: false, tags: [], messageCount: 3, messages: stored },
        ],
      };
      const db = await open();
      const result = await importConversations(db, JSON.stringify(file));
      expect(result).toMatchObject({ format: 'chatkeep', conversations: 1, messages: 3, skipped: [] });
      const loaded = await db.loadConversation('old');
      expect(loaded.map((m) => m.parentId)).toEqual([null, 'old-m000000', 'old-m000001']);
      expect((await db.getMessages('old')).messages.map((m) => m.content)).toEqual(['one', 'two', 'three']);
      expect(await db.getConversation('old')).toMatchObject({ messageCount: 3, lastMessage: 'three' });
    });

    it('refuses a version newer than this Chatkeep reads, saying what to do', async () => {
      const db = await open();
      await expect(
        importConversations(db, JSON.stringify({ format: 'chatkeep', version: 3, conversations: [] })),
      ).rejects.toThrow(/reads versions 1 to 2\. Update Chatkeep/);
    });
  });

  describe('Markdown export of a tree', () => {
    it('shows the active branch only, with where other versions exist', async () => {
      const db = await open();
      await branchy(db);
      await db.selectVersion('tree', 'tree-q2');
      const markdown = await exportConversations(db, { format: 'markdown' });
      expect(markdown).toContain('- Branches: 3 (edited or regenerated messages)');
      expect(markdown).toContain('Tell me a story');
      expect(markdown).toContain('Long ago');
      expect(markdown).toContain('Go on');
      expect(markdown).not.toContain('Once upon');
      expect(markdown).not.toContain('Tell me a poem');
      const details = [...markdown.matchAll(/^_(.*)_$/gm)].map((m) => m[1]);
      expect(details).toHaveLength(3);
      expect(details[0]).toMatch(/version 1 of 2$/);
      expect(details[1]).toMatch(/version 2 of 2$/);
      expect(details[2]).not.toMatch(/version/);
    });
  });

  describe('ChatGPT import into storage', () => {
    const chatgpt = readFileSync(
      new URL('../import/fixtures/chatgpt-conversations.json', import.meta.url),
      'utf8',
    );

    it('keeps every branch, shows the one ChatGPT showed, and counts only it', async () => {
      const db = await open();
      const result = await importConversations(db, chatgpt);
      expect(result.messages).toBe(7 + 2);
      expect((await db.loadConversation('conv-sales')).map((m) => m.id).sort()).toEqual([
        'asst-1a',
        'asst-code',
        'asst-final',
        'asst-final-old',
        'tool-out',
        'user-1a',
        'user-1b',
      ]);
      expect((await db.getMessages('conv-sales')).messages.map((m) => m.id)).toEqual([
        'user-1b',
        'asst-code',
        'tool-out',
        'asst-final',
      ]);
      // asst-final is the newest leaf: shown without an activeLeafId of its own.
      expect(await db.getConversation('conv-sales')).toMatchObject({
        messageCount: 4,
        lastMessage: 'Q2 sales doubled compared to Q1.',
      });
      const { versions, index } = await db.listVersions('asst-final');
      expect(versions.map((m) => m.id)).toEqual(['asst-final-old', 'asst-final']);
      expect(index).toBe(1);
    });

    it('shows an earlier version when current_node names it', async () => {
      const file = JSON.parse(chatgpt) as { current_node?: string }[];
      file[0]!.current_node = 'asst-final-old';
      const db = await open();
      await importConversations(db, JSON.stringify(file));
      expect(await db.getConversation('conv-sales')).toMatchObject({ activeLeafId: 'asst-final-old' });
      expect((await db.getMessages('conv-sales')).messages.map((m) => m.id).at(-1)).toBe('asst-final-old');
    });
  });
});
