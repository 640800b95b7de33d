import { describe, expect, it, vi } from 'vitest';
import { remoteStamp } from '../contract/context.js';
import {
  conversationWith,
  indexedDB,
  newDbName,
  openDb,
  openLocalDb,
  track,
} from '../export/test-support/databases.js';
import { MemoryStorage } from '../test-support/memory-storage.js';
import type { ChatStorageAdapter, Message, SyncableChatStorage } from '../types.js';
import { localStorageSearchStore, openSearchIndexStore, type SearchIndexStore } from './persist.js';
import { createSearchIndex, type SearchHit } from './search-index.js';

interface SavedSnapshot {
  version: number;
  index: {
    documentIds: Record<string, unknown>;
    storedFields: Record<string, Record<string, unknown>>;
    index: [string, Record<string, Record<string, number>>][];
  };
}

const render = (hit: SearchHit) => hit.snippet.map((s) => (s.highlight ? `[${s.text}]` : s.text)).join('');
const where = (hits: SearchHit[]) => hits.map((h) => `${h.conversationId}/${h.messageId ?? 'title'}`);

async function seed(db: ChatStorageAdapter) {
  const trip = conversationWith('trip', ['Book the train to Bergen', 'The night train leaves at 23:00'], {
    title: 'Norway trip',
  });
  const taxes = conversationWith(
    'taxes',
    ['Where is the invoice from March?', 'Attached the Bergen invoice'],
    {
      title: 'Taxes 2024',
    },
  );
  const work = conversationWith('work', ['Bergen office opening'], { projectId: 'work', title: 'Office' });
  for (const c of [trip, taxes, work]) await db.saveConversation(c.conversation, c.messages);
}

/** The adapter, counting how often whole conversations, and messages by id, are read. */
function counting(adapter: ChatStorageAdapter) {
  const calls = { loadConversation: 0, getMessagesByIds: 0 };
  const proxy = new Proxy(adapter, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key === 'loadConversation') {
        return (id: string) => {
          calls.loadConversation += 1;
          return target.loadConversation(id);
        };
      }
      if (key === 'getMessagesByIds') {
        return (ids: string[]) => {
          calls.getMessagesByIds += 1;
          return target.getMessagesByIds(ids);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { adapter: proxy, calls };
}

describe('search', () => {
  it('finds titles and messages of a project, with the matched words highlighted', async () => {
    const db = await openDb();
    await seed(db);
    const index = track(createSearchIndex(db));
    const hits = await index.search('default', 'bergen');
    expect(where(hits).sort()).toEqual(['taxes/taxes-m000001', 'trip/trip-m000000']);
    const hit = hits.find((h) => h.conversationId === 'trip')!;
    expect(hit).toMatchObject({
      title: 'Norway trip',
      role: 'user',
      archived: false,
      time: Date.UTC(2025, 0, 1),
    });
    expect(render(hit)).toBe('Book the train to [Bergen]');
  });

  it('reads the text of the hits shown from storage in one request, and shows it as plain text', async () => {
    const db = await openDb();
    const notes = conversationWith('notes', [
      'Pack **warm socks** for [Bergen](https://visitbergen.test/rain) and `rain_gear`',
      '## Bergen\n- umbrella\n- boots',
    ]);
    await db.saveConversation(notes.conversation, notes.messages);
    const { adapter, calls } = counting(db);
    const index = track(createSearchIndex(adapter));
    await index.ready;
    const hits = await index.search('default', 'bergen');
    expect(calls.getMessagesByIds).toBe(1);
    expect(hits.map(render).sort()).toEqual([
      'Pack warm socks for [Bergen] and rain_gear',
      '[Bergen] umbrella boots',
    ]);
  });

  it('leaves out a hit whose message was deleted after the index last heard of it', async () => {
    const db = await openDb();
    await seed(db);
    const index = track(createSearchIndex(db));
    await index.ready;
    const { adapter } = counting(db);
    // Deleted behind the index's back: only the read of the hits can notice.
    const gone = new Proxy(adapter, {
      get(target, key) {
        if (key === 'getMessagesByIds') {
          return async (ids: string[]) =>
            (await target.getMessagesByIds(ids)).map((m) => (m?.id === 'trip-m000000' ? undefined : m));
        }
        return Reflect.get(target, key, target);
      },
    });
    const detached = track(createSearchIndex(gone));
    expect(where(await detached.search('default', 'bergen'))).toEqual(['taxes/taxes-m000001']);
  });

  it('matches word prefixes and small misspellings, and needs every word of the query', async () => {
    const db = await openDb();
    await seed(db);
    const index = track(createSearchIndex(db));
    expect(where(await index.search('default', 'invo'))).toHaveLength(2);
    expect(where(await index.search('default', 'invoise'))).toHaveLength(2);
    expect(where(await index.search('default', 'invoice march'))).toEqual(['taxes/taxes-m000000']);
    expect(await index.search('default', '   ')).toEqual([]);
  });

  it('leaves stop words out of the index and out of queries, so they never narrow a search', async () => {
    const db = await openDb();
    await seed(db);
    const index = track(createSearchIndex(db));
    expect(where(await index.search('default', 'the invoice'))).toEqual(
      where(await index.search('default', 'invoice')),
    );
    expect(where(await index.search('default', 'invoice from the march'))).toEqual(['taxes/taxes-m000000']);
    // A query of stop words alone has nothing to look up.
    expect(await index.search('default', 'the to')).toEqual([]);
    // They are not highlighted either: the snippet marks only what was matched.
    const [hit] = await index.search('default', 'the night train');
    expect(render(hit!)).toBe('The [night] [train] leaves at 23:00');
  });

  it('ranks a title match above a passing mention in a message', async () => {
    const db = await openDb();
    const a = conversationWith('a', ['we could also visit norway someday'], { title: 'Recipes' });
    const b = conversationWith('b', ['first day plans'], { title: 'Norway' });
    for (const c of [a, b]) await db.saveConversation(c.conversation, c.messages);
    const hits = await track(createSearchIndex(db)).search('default', 'norway');
    expect(where(hits)).toEqual(['b/title', 'a/a-m000000']);
    expect(hits[0]!.messageId).toBeUndefined();
  });

  it('leaves out archived conversations only when asked, and honours the limit', async () => {
    const db = await openDb();
    await seed(db);
    await db.updateConversation('taxes', { archived: true });
    const index = track(createSearchIndex(db));
    expect(await index.search('default', 'bergen', { includeArchived: false })).toHaveLength(1);
    expect(
      (await index.search('default', 'bergen')).find((h) => h.conversationId === 'taxes')?.archived,
    ).toBe(true);
    expect(await index.search('default', 'bergen', { limit: 1 })).toHaveLength(1);
  });
});

describe.each([
  ['IndexedDB', openDb],
  ['localStorage', openLocalDb],
] as [string, (dbName?: string) => Promise<SyncableChatStorage>][])(
  'search stays current (%s)',
  (_, openDb) => {
    it('after new messages, edits, deletes, renames, conversation deletes and clearing a project', async () => {
      const db = await openDb();
      await seed(db);
      const index = track(createSearchIndex(db));
      await index.ready;

      await db.saveMessage({
        id: 'new',
        conversationId: 'trip',
        projectId: 'default',
        role: 'user',
        content: 'Pack a raincoat',
      });
      expect(where(await index.search('default', 'raincoat'))).toEqual(['trip/new']);

      await db.updateMessage('new', { content: 'Pack an umbrella' });
      expect(await index.search('default', 'raincoat')).toEqual([]);
      expect(where(await index.search('default', 'umbrella'))).toEqual(['trip/new']);

      await db.deleteMessage('new');
      expect(await index.search('default', 'umbrella')).toEqual([]);

      await db.updateConversation('trip', { title: 'Holiday in the fjords' });
      expect(where(await index.search('default', 'fjords'))).toEqual(['trip/title']);
      expect((await index.search('default', 'night'))[0]?.title).toBe('Holiday in the fjords');
      expect(await index.search('default', 'norway')).toEqual([]);

      await db.deleteConversation('taxes');
      expect(await index.search('default', 'invoice')).toEqual([]);

      await db.clearProject('work');
      expect(await index.search('work', 'bergen')).toEqual([]);
      expect(where(await index.search('default', 'bergen'))).toEqual(['trip/trip-m000000']);
    });

    it('after a conversation is deleted and saved again under the same id', async () => {
      const db = await openDb();
      await seed(db);
      const index = track(createSearchIndex(db));
      await index.ready;
      await db.deleteConversation('trip');
      const again = conversationWith('trip', ['Only the ferry now'], { title: 'Norway trip' });
      await db.saveConversation(again.conversation, again.messages);
      expect(await index.search('default', 'night')).toEqual([]);
      expect(where(await index.search('default', 'ferry'))).toEqual(['trip/trip-m000000']);
    });

    it('after writes made in another tab on the same database', async () => {
      const dbName = newDbName();
      const mine = await openDb(dbName);
      const otherTab = await openDb(dbName);
      await seed(mine);
      const index = track(createSearchIndex(mine));
      await index.ready;

      await otherTab.saveMessage({
        id: 'tab2',
        conversationId: 'trip',
        projectId: 'default',
        role: 'assistant',
        content: 'Ferry to Stavanger',
      });
      await otherTab.updateConversation('taxes', { title: 'Accounting' });
      await otherTab.deleteConversation('work');
      await vi.waitFor(async () => {
        expect(where(await index.search('default', 'stavanger'))).toEqual(['trip/tab2']);
        expect(where(await index.search('default', 'accounting'))).toEqual(['taxes/title']);
        expect(await index.search('work', 'office')).toEqual([]);
      });
    });

    it('after changes applied by sync', async () => {
      const db = await openDb();
      await seed(db);
      const index = track(createSearchIndex(db));
      await index.ready;
      const message: Message = {
        id: 'remote-1',
        conversationId: 'trip',
        projectId: 'default',
        role: 'assistant',
        content: 'Remember the hiking boots',
        status: 'complete',
        parentId: null,
        createdAt: Date.UTC(2025, 0, 2),
        updatedAt: Date.UTC(2025, 0, 2),
      };
      const far = Date.now() + 60_000;
      await db.applyRemote(
        [
          {
            kind: 'message',
            id: message.id,
            projectId: 'default',
            hlc: remoteStamp(far),
            deleted: false,
            data: message,
            version: 1,
          },
          {
            kind: 'message',
            id: 'trip-m000001',
            projectId: 'default',
            hlc: remoteStamp(far, 'remote', 1),
            deleted: true,
            data: null,
            version: 2,
          },
        ],
        '2',
      );
      expect(where(await index.search('default', 'boots'))).toEqual(['trip/remote-1']);
      expect(await index.search('default', 'night')).toEqual([]);
    });
  },
);

describe('a persisted search index', () => {
  async function persisted(dbName: string): Promise<SearchIndexStore> {
    return openSearchIndexStore({ dbName, indexedDB });
  }

  /** A seeded database whose index was built and saved, as an earlier page load leaves it. */
  async function seededWithSavedIndex() {
    const dbName = newDbName();
    const db = await openDb(dbName);
    await seed(db);
    const first = createSearchIndex(db, { persist: await persisted(dbName) });
    await first.ready;
    await first.close();
    return { dbName, db };
  }

  it('is reloaded without reading any conversation when nothing changed', async () => {
    const { dbName, db } = await seededWithSavedIndex();

    const { adapter, calls } = counting(db);
    const second = track(createSearchIndex(adapter, { persist: await persisted(dbName) }));
    expect(where(await second.search('default', 'train'))).toHaveLength(2);
    expect(calls.loadConversation).toBe(0);
  });

  it('catches up with changes made while it was closed, reindexing only the changed conversations', async () => {
    const { dbName, db } = await seededWithSavedIndex();

    await db.saveMessage({
      id: 'later',
      conversationId: 'trip',
      projectId: 'default',
      role: 'user',
      content: 'Bring snacks',
    });
    await db.deleteConversation('taxes');
    const added = conversationWith('added', ['Reindeer stew recipe'], { title: 'Dinner' });
    await db.saveConversation(added.conversation, added.messages);

    const { adapter, calls } = counting(db);
    const second = track(createSearchIndex(adapter, { persist: await persisted(dbName) }));
    expect(where(await second.search('default', 'snacks'))).toEqual(['trip/later']);
    expect(where(await second.search('default', 'reindeer'))).toEqual(['added/added-m000000']);
    expect(await second.search('default', 'invoice')).toEqual([]);
    expect(calls.loadConversation).toBe(2);
  });

  it('saves once after a burst of writes, not once per write', async () => {
    const dbName = newDbName();
    const db = await openDb(dbName);
    const store = await persisted(dbName);
    let saves = 0;
    const countingStore: SearchIndexStore = {
      ...store,
      save: (snapshot) => {
        saves += 1;
        return store.save(snapshot);
      },
    };
    const index = track(createSearchIndex(db, { persist: countingStore, persistDelayMs: 1000 }));
    await index.ready;
    const c = conversationWith('burst', ['start']);
    await db.saveConversation(c.conversation, c.messages);
    // A streaming reply: many writes in quick succession.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.updateMessage('burst-m000000', { content: `streamed word${i}` }),
      ),
    );
    await index.flush();
    expect(saves).toBe(0);
    await vi.waitFor(() => expect(saves).toBe(1), { timeout: 3000 });
    expect(where(await index.search('default', 'word19'))).toEqual(['burst/burst-m000000']);
  });

  it('is rebuilt when the saved snapshot is of another layout', async () => {
    const dbName = newDbName();
    const db = await openDb(dbName);
    await seed(db);
    const store = await persisted(dbName);
    await store.save({ version: 999, index: {}, conversations: [] });
    const index = track(createSearchIndex(db, { persist: store }));
    expect(where(await index.search('default', 'train'))).toHaveLength(2);
  });

  it('keeps no message text in the saved snapshot, only ids, conversation, time, role and model', async () => {
    const dbName = newDbName();
    const db = await openDb(dbName);
    await seed(db);
    const store = await persisted(dbName);
    const index = createSearchIndex(db, { persist: store });
    await index.ready;
    await index.close();
    const snapshot = (await (await persisted(dbName)).load()) as SavedSnapshot;
    expect(snapshot.version).toBe(4);
    const stored = Object.values(snapshot.index.storedFields);
    expect(stored).toHaveLength(8);
    // Titles have no role; the seeded messages name no model.
    expect(stored.filter((f) => 'role' in f)).toHaveLength(5);
    for (const fields of stored) {
      expect(['conversationId', 'role', 'time']).toEqual(expect.arrayContaining(Object.keys(fields)));
    }
    // (The last message's preview is part of each conversation's fingerprint; earlier messages appear nowhere.)
    expect(JSON.stringify(snapshot)).not.toContain('Book the train');
  });

  it('rebuilds a version-3 snapshot, which lacks the roles, models and tags that filters need', async () => {
    const { dbName, db } = await seededWithSavedIndex();
    const store = await persisted(dbName);
    const saved = (await store.load()) as SavedSnapshot;
    await store.save({ ...saved, version: 3 });
    store.close();

    const { adapter, calls } = counting(db);
    const second = track(createSearchIndex(adapter, { persist: await persisted(dbName), persistDelayMs: 0 }));
    expect(where(await second.search('default', 'night', { roles: ['assistant'] }))).toEqual([
      'trip/trip-m000001',
    ]);
    expect(calls.loadConversation).toBeGreaterThan(0);
    await second.close();
    expect(((await (await persisted(dbName)).load()) as SavedSnapshot).version).toBe(4);
  });

  it('can live in localStorage when IndexedDB is not available', async () => {
    const dbName = newDbName();
    const db = await openDb(dbName);
    await seed(db);
    const storage = new MemoryStorage();
    const first = createSearchIndex(db, { persist: localStorageSearchStore({ dbName, storage }) });
    await first.ready;
    await first.close();
    expect(storage.getItem(`${dbName}-search`)).toContain('"version":4');

    const { adapter, calls } = counting(db);
    const second = track(
      createSearchIndex(adapter, { persist: localStorageSearchStore({ dbName, storage }) }),
    );
    expect(where(await second.search('default', 'bergen'))).toHaveLength(2);
    expect(calls.loadConversation).toBe(0);
  });
});
