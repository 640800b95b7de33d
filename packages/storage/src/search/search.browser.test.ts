// Search, export and import on real IndexedDB in Chromium: the persisted
// index lives in its own `<dbName>-search` database and survives a reopen,
// and an export downloads as a Blob that imports back.
import { afterEach, describe, expect, it } from 'vitest';
import { exportConversationsBlob } from '../export/index.js';
import { importConversations } from '../import/index.js';
import { IndexedDBAdapter } from '../indexeddb/index.js';
import { openSearchIndexStore } from './persist.js';
import { createSearchIndex } from './search-index.js';

const toClose: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of toClose.splice(0).reverse()) await item.close();
});

async function open(dbName: string) {
  const adapter = await IndexedDBAdapter.open({ dbName });
  toClose.push(adapter);
  return adapter;
}

describe('search and export in Chromium', () => {
  it('keeps the search index in <dbName>-search and catches up after a reopen', async () => {
    const dbName = `search-${Date.now()}`;
    const db = await open(dbName);
    await db.saveConversation({ id: 'c1', projectId: 'default', title: 'Garden' }, [
      {
        id: 'm1',
        conversationId: 'c1',
        projectId: 'default',
        role: 'user',
        content: 'When do tulips bloom?',
      },
    ]);
    const first = createSearchIndex(db, { persist: await openSearchIndexStore({ dbName }) });
    expect((await first.search('default', 'tulip')).map((h) => h.messageId)).toEqual(['m1']);
    await first.close();
    expect((await indexedDB.databases()).map((d) => d.name)).toContain(`${dbName}-search`);

    await db.saveMessage({
      id: 'm2',
      conversationId: 'c1',
      projectId: 'default',
      role: 'assistant',
      content: 'Tulips bloom in April.',
    });
    const second = createSearchIndex(db, { persist: await openSearchIndexStore({ dbName }) });
    toClose.push(second);
    expect((await second.search('default', 'april')).map((h) => h.messageId)).toEqual(['m2']);
  });

  it('exports a Blob that imports back into another database unchanged', async () => {
    const source = await open(`export-${Date.now()}`);
    await source.saveConversation({ id: 'c1', projectId: 'default', title: 'Trip' }, [
      { id: 'm1', conversationId: 'c1', projectId: 'default', role: 'user', content: 'Pack ✈️ things' },
    ]);
    const blob = await exportConversationsBlob(source, { format: 'json' });
    const copy = await open(`import-${Date.now()}`);
    const result = await importConversations(copy, await blob.text());
    expect(result).toMatchObject({ conversations: 1, messages: 1, skipped: [] });
    expect(await copy.loadConversation('c1')).toEqual(await source.loadConversation('c1'));
  });
});
