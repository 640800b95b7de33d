// The upgrade from the schema before message trees (version 2), run on a
// database the previous release wrote (src/test-support/fixtures/
// indexeddb-v2.json): in Node with fake-indexeddb and in Chromium.
import { describe, expect, it } from 'vitest';
import dump from '../../test-support/fixtures/indexeddb-v2.json' with { type: 'json' };
import type { Message } from '../../types.js';
import { IndexedDBAdapter } from '../adapter.js';
import { type DatabaseDump, loadDatabaseDump } from './database-fixture.js';

const fixture = dump as unknown as DatabaseDump;
const oldMessages = fixture.stores.messages!.records as Omit<Message, 'parentId'>[];

/** The messages of a conversation in time order, as the upgrade chains them. */
function inTimeOrder(conversationId: string): Omit<Message, 'parentId'>[] {
  return oldMessages
    .filter((m) => m.conversationId === conversationId)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

let sequence = 0;

export function upgradeFromV2Rules(target: { name: string; factory: () => IDBFactory }): void {
  describe(`upgrade from schema version 2 (${target.name})`, () => {
    async function upgraded() {
      const factory = target.factory();
      const dbName = `upgrade-${Date.now().toString(36)}-${sequence++}`;
      await loadDatabaseDump(factory, fixture, dbName);
      const open = () => IndexedDBAdapter.open({ dbName, indexedDB: factory });
      return { factory, dbName, open };
    }

    it('keeps every message and gives each the message before it in time as parentId', async () => {
      const { open } = await upgraded();
      const db = await open();
      for (const conversationId of ['conv-trip', 'conv-code', 'conv-later']) {
        const before = inTimeOrder(conversationId);
        const after = await db.loadConversation(conversationId);
        expect(after).toEqual(before.map((m, i) => ({ ...m, parentId: i === 0 ? null : before[i - 1]!.id })));
      }
      expect(await db.getMessagesByIds(['trip-gone'])).toEqual([undefined]);
      await db.close();
    });

    it('each history is one branch: pages, summaries, versions and appends work on it', async () => {
      const { open } = await upgraded();
      const db = await open();
      const trip = inTimeOrder('conv-trip').map((m) => m.id);
      const page = await db.getMessages('conv-trip', { limit: 4 });
      expect(page.messages.map((m) => m.id)).toEqual(trip.slice(-4));
      expect(page.hasMore).toBe(true);
      expect(await db.getConversation('conv-trip')).toMatchObject({
        messageCount: 7,
        lastMessage: 'In August Lisbon is h',
      });
      expect((await db.getConversation('conv-trip'))?.activeLeafId).toBeUndefined();
      expect(await db.listVersions('trip-6')).toMatchObject({ index: 0, versions: [{ id: 'trip-6' }] });
      // Retry of the interrupted answer: a second version; the first stays.
      await db.saveMessage({
        id: 'trip-6b',
        conversationId: 'conv-trip',
        projectId: 'default',
        role: 'assistant',
        content: 'In August Lisbon is hot.',
        parentId: 'trip-5',
      });
      expect((await db.listVersions('trip-6')).versions.map((m) => m.id)).toEqual(['trip-6', 'trip-6b']);
      const appended = await db.saveMessage({
        id: 'trip-7',
        conversationId: 'conv-trip',
        projectId: 'default',
        role: 'user',
        content: 'Thanks',
      });
      expect(appended.parentId).toBe('trip-6b');
      expect(await db.getConversation('conv-trip')).toMatchObject({ messageCount: 8, lastMessage: 'Thanks' });
      await db.close();
    });

    it('sync state survives: the cursor, the pending edit, the conflict; the new field is not pushed again', async () => {
      const { open } = await upgraded();
      const db = await open();
      expect(await db.getCursor()).toBe('cursor-102');
      const pending = await db.pendingChanges(100);
      expect(pending.map((c) => `${c.kind}:${c.id}`)).toEqual(['message:trip-4']);
      expect(pending[0]?.data).toMatchObject({
        parentId: 'trip-3',
        content: 'Lisbon is warm and dry in May (edited).',
      });
      expect(await db.listConflicts()).toHaveLength(1);
      expect(await db.getSyncMetadata('message', 'trip-gone')).toMatchObject({ deleted: true });
      await db.close();
    });

    it('gives every project in use a record named after its id; nothing is pushed for it', async () => {
      const { open } = await upgraded();
      const db = await open();
      expect((await db.getProjects()).map((p) => [p.id, p.name])).toEqual([
        ['default', 'default'],
        ['work', 'work'],
      ]);
      expect(await db.listProjects()).toEqual(['default', 'work']);
      expect((await db.pendingChanges(100)).filter((c) => c.kind === 'project')).toEqual([]);
      // A rename keeps the id the conversations already carry.
      await db.saveProject({ id: 'work', name: 'Office' });
      expect((await db.listConversations('work', { includeArchived: true })).length).toBeGreaterThan(0);
      await db.close();
    });

    it('two tabs opening the old database at once both end on the upgraded one, upgraded once', async () => {
      const { open } = await upgraded();
      const [a, b] = await Promise.all([open(), open()]);
      // The second open waits for the first's upgrade, or closes the first for its own; one of them may be closed.
      const live = [a, b];
      let readable = 0;
      for (const db of live) {
        try {
          expect((await db.loadConversation('conv-code')).map((m) => m.parentId)).toEqual([
            null,
            'code-a',
            'code-b',
            'code-c',
          ]);
          readable += 1;
        } catch (error) {
          expect((error as { code?: string }).code).toBe('closed');
        }
      }
      expect(readable).toBeGreaterThanOrEqual(1);
      await Promise.all(live.map((db) => db.close()));
      const again = await open();
      expect(await again.loadConversation('conv-trip')).toHaveLength(7);
      await again.close();
    });

    it('a tab still on the old version is asked to close, and the upgrade then runs', async () => {
      const { factory, dbName, open } = await upgraded();
      const old = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = factory.open(dbName, fixture.version);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      let asked = 0;
      old.onversionchange = () => {
        asked += 1;
        old.close();
      };
      const db = await open();
      expect(asked).toBe(1);
      expect((await db.loadConversation('conv-trip')).at(-1)?.parentId).toBe('trip-5');
      await db.close();
    });
  });
}
