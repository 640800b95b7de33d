// What a search finds and in which order: exact and prefix matches first,
// typos tolerated only where they cannot invent matches, highlights only on
// what matched, filters, paging and search across projects. Run over both
// adapters: the index reads storage only through the adapter API.
import { describe, expect, it } from 'vitest';
import { conversationWith, openDb, openLocalDb, track } from '../export/test-support/databases.js';
import type { ChatStorageAdapter } from '../types.js';
import { allowsTypo } from './matching.js';
import { createSearchIndex, type SearchHit } from './search-index.js';

const render = (hit: SearchHit) => hit.snippet.map((s) => (s.highlight ? `[${s.text}]` : s.text)).join('');
const highlighted = (hit: SearchHit) => hit.snippet.filter((s) => s.highlight).map((s) => s.text);
const where = (hits: SearchHit[]) => hits.map((h) => `${h.conversationId}/${h.messageId ?? 'title'}`);
/** "word0 word1 ... wordN" */
const wordsUpTo = (n: number) => Array.from({ length: n + 1 }, (_, i) => `word${i}`).join(' ');

describe('allowsTypo', () => {
  it('tolerates typos only in words of five letters or more without digits', () => {
    expect(allowsTypo('train')).toBe(true);
    expect(allowsTypo('tran')).toBe(false);
    expect(allowsTypo('word42')).toBe(false);
    expect(allowsTypo('gpt4o')).toBe(false);
    expect(allowsTypo('élève')).toBe(true);
  });
});

describe.each([
  ['IndexedDB', () => openDb()],
  ['localStorage', () => openLocalDb()],
] as const)('search over the %s adapter', (_name, open) => {
  async function indexOver(
    seed: (db: ChatStorageAdapter) => Promise<void>,
  ): Promise<ReturnType<typeof createSearchIndex>> {
    const db = await open();
    await seed(db);
    return track(createSearchIndex(db));
  }

  async function save(db: ChatStorageAdapter, c: ReturnType<typeof conversationWith>) {
    await db.saveConversation(c.conversation, c.messages);
  }

  describe('in conversations of messages "word0 ... wordN"', () => {
    const seedWords = async (db: ChatStorageAdapter) => {
      for (const n of [24, 50, 98, 120]) {
        await save(db, conversationWith(`upto${n}`, [wordsUpTo(n)], { title: `Up to ${n}` }));
      }
    };

    it('"word99" finds only the conversation that holds word99', async () => {
      const index = await indexOver(seedWords);
      const hits = await index.search('default', 'word99');
      expect(where(hits)).toEqual(['upto120/upto120-m000000']);
      expect(highlighted(hits[0]!)).toEqual(['word99']);
      expect(hits[0]!.match).toBe('exact');
    });

    it('"word42" never finds a message that stops at word24, nor highlights word2 or word4', async () => {
      const index = await indexOver(seedWords);
      const hits = await index.search('default', 'word42');
      expect(where(hits).sort()).toEqual([
        'upto120/upto120-m000000',
        'upto50/upto50-m000000',
        'upto98/upto98-m000000',
      ]);
      for (const hit of hits) {
        expect(highlighted(hit)).toEqual(['word42']);
        expect(render(hit)).toContain('word41 [word42] word43');
      }
    });
  });

  it('a prefix highlights the whole words it starts, and nothing else', async () => {
    const index = await indexOver(async (db) => {
      await save(db, conversationWith('p', ['invoices due in march', 'send it'], { title: 'Bills' }));
    });
    const [hit] = await index.search('default', 'invoic');
    expect(hit!.match).toBe('prefix');
    expect(render(hit!)).toBe('[invoices] due in march');
  });

  it('ranks every exact match above every prefix match, whatever their scores', async () => {
    const index = await indexOver(async (db) => {
      // Short and repetitive: the prefix match scores well on its own.
      await save(db, conversationWith('prefix', ['invoices invoices invoices'], { title: 'A' }));
      await save(
        db,
        conversationWith('exact', [`one invoice among ${'many other words here '.repeat(20)}`], {
          title: 'B',
        }),
      );
    });
    const hits = await index.search('default', 'invoice');
    expect(where(hits)).toEqual(['exact/exact-m000000', 'prefix/prefix-m000000']);
    expect(hits.map((h) => h.match)).toEqual(['exact', 'prefix']);
  });

  it('tolerates a typo in a longer word only when exact and prefix matching find little, and ranks it last', async () => {
    const texts = ['the bergen office', 'bergen again', 'a letter from bergn'];
    const index = await indexOver(async (db) => {
      await save(db, conversationWith('few', texts, { title: 'Trip' }));
    });
    const hits = await index.search('default', 'bergen');
    expect(hits.map((h) => h.match)).toEqual(['exact', 'exact', 'typo']);
    expect(highlighted(hits[2]!)).toEqual(['bergn']);
  });

  it('leaves typos out when exact and prefix matching already find enough', async () => {
    const texts = [...Array.from({ length: 5 }, (_, i) => `bergen visit ${i}`), 'a letter from bergn'];
    const index = await indexOver(async (db) => {
      await save(db, conversationWith('many', texts, { title: 'Trip' }));
    });
    const hits = await index.search('default', 'bergen');
    expect(hits).toHaveLength(5);
    expect(hits.every((h) => h.match === 'exact')).toBe(true);
  });

  it('never tolerates typos in short words or words with digits', async () => {
    const index = await indexOver(async (db) => {
      await save(db, conversationWith('c', ['the cat sat', 'gpt4o answered', 'bergen trip'], { title: 'T' }));
    });
    expect(await index.search('default', 'car')).toEqual([]);
    expect(await index.search('default', 'gpt40')).toEqual([]);
    expect(where(await index.search('default', 'bergn'))).toEqual(['c/c-m000002']);
  });

  it('pages with offset: the next page starts where the last ended, with nothing repeated', async () => {
    const texts = Array.from({ length: 25 }, (_, i) => `report number ${i}`);
    const index = await indexOver(async (db) => {
      await save(db, conversationWith('r', texts, { title: 'Reports' }));
    });
    const all = where(await index.search('default', 'report', { limit: 100 }));
    expect(all).toHaveLength(26); // 25 messages and the title "Reports"
    const first = where(await index.search('default', 'report', { limit: 10 }));
    const second = where(await index.search('default', 'report', { limit: 10, offset: 10 }));
    const third = where(await index.search('default', 'report', { limit: 10, offset: 20 }));
    expect([...first, ...second, ...third]).toEqual(all);
    expect(third).toHaveLength(6);
  });

  describe('filters', () => {
    const seedFiltered = async (db: ChatStorageAdapter) => {
      const day = 24 * 3600 * 1000;
      const a = conversationWith('a', ['budget plan', 'budget answer'], { title: 'Budget', start: 0 });
      a.messages[1]!.metadata = { model: 'gpt-4o' };
      const b = conversationWith('b', ['budget again', 'budget reply'], { title: 'Other', start: 10 * day });
      b.messages[1]!.metadata = { model: 'llama3' };
      const w = conversationWith('w', ['budget at work'], {
        title: 'Work',
        projectId: 'work',
        start: 20 * day,
      });
      for (const c of [a, b, w]) await save(db, c);
      await db.updateConversation('b', { tags: ['money', 'home'] });
      await db.updateConversation('a', { tags: ['money'] });
    };

    it('by role and model, leaving titles out', async () => {
      const index = await indexOver(seedFiltered);
      expect(where(await index.search('default', 'budget', { roles: ['assistant'] })).sort()).toEqual([
        'a/a-m000001',
        'b/b-m000001',
      ]);
      const byModel = await index.search('default', 'budget', { models: ['llama3'] });
      expect(where(byModel)).toEqual(['b/b-m000001']);
      expect(byModel[0]!.model).toBe('llama3');
    });

    it('by tags: conversations that have every tag given', async () => {
      const index = await indexOver(seedFiltered);
      const money = where(await index.search('default', 'budget', { tags: ['money'] }));
      expect(new Set(money.map((w) => w.split('/')[0]))).toEqual(new Set(['a', 'b']));
      const both = where(await index.search('default', 'budget', { tags: ['money', 'home'] }));
      expect(new Set(both.map((w) => w.split('/')[0]))).toEqual(new Set(['b']));
    });

    it('by tags in any case, as the sidebar filter compares them; a tag spelled two ways is offered once', async () => {
      const index = await indexOver(async (db) => {
        await seedFiltered(db);
        await db.updateConversation('w', { tags: ['Money'] });
      });
      const money = where(await index.search(null, 'budget', { tags: ['money'] }));
      expect(new Set(money.map((w) => w.split('/')[0]))).toEqual(new Set(['a', 'b', 'w']));
      const capitalised = where(await index.search(null, 'budget', { tags: ['MONEY'] }));
      expect(capitalised.sort()).toEqual(money.sort());
      expect((await index.facets(null)).tags).toHaveLength(2);
      expect((await index.facets(null)).tags.map((t) => t.toLowerCase())).toEqual(['home', 'money']);
    });

    it('by date range, both ends included', async () => {
      const index = await indexOver(seedFiltered);
      const day = 24 * 3600 * 1000;
      const hits = await index.search(null, 'budget', { from: 10 * day, to: 10 * day + 1000, titles: false });
      expect(where(hits).sort()).toEqual(['b/b-m000000', 'b/b-m000001']);
    });

    it('across every project when the project is null, naming each hit’s project', async () => {
      const index = await indexOver(seedFiltered);
      const here = await index.search('default', 'budget', { titles: false });
      expect(new Set(here.map((h) => h.projectId))).toEqual(new Set(['default']));
      const everywhere = await index.search(null, 'work');
      expect(everywhere.map((h) => [h.projectId, h.conversationId])).toEqual([
        ['work', 'w'],
        ['work', 'w'],
      ]);
    });

    it('lists the models and tags a project’s hits can be filtered by', async () => {
      const index = await indexOver(seedFiltered);
      expect(await index.facets('default')).toEqual({
        models: ['gpt-4o', 'llama3'],
        tags: ['home', 'money'],
      });
      expect(await index.facets('work')).toEqual({ models: [], tags: [] });
    });

    it('refuses filters that cannot mean anything, saying what to fix', async () => {
      const index = await indexOver(seedFiltered);
      await expect(index.search('default', 'budget', { roles: ['bot' as never] })).rejects.toMatchObject({
        code: 'invalid-input',
        message: expect.stringContaining('unknown role "bot"'),
      });
      await expect(index.search('default', 'budget', { from: 10, to: 5 })).rejects.toMatchObject({
        code: 'invalid-input',
        message: expect.stringContaining('is after "to"'),
      });
      await expect(index.search('default', 'budget', { offset: -1 })).rejects.toMatchObject({
        code: 'invalid-input',
      });
    });
  });
});
