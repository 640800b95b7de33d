import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { wrap } from 'idb';
import { describe, expect, it } from 'vitest';
import { IndexedDBAdapter } from './adapter.js';
import { upgradeFromV2Rules } from './test-support/upgrade-rules.js';
import { createV1, upgradeToV2 } from './upgrade.js';

upgradeFromV2Rules({ name: 'fake-indexeddb', factory: () => new IDBFactory() });

describe('upgrade from schema version 2: large histories', () => {
  it('chains every message of many conversations across the read chunks, in time order', async () => {
    const factory = new IDBFactory();
    // A version 2 database made by the version 2 steps.
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open('big', 2);
      request.onupgradeneeded = () => {
        createV1(wrap(request.result) as never);
        // Its stores are empty here: the step's reads finish within the versionchange transaction.
        void upgradeToV2(wrap(request.result) as never, wrap(request.transaction!) as never, Date.now);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction(['conversations', 'messages'], 'readwrite');
    const counts = [2999, 1, 3000];
    counts.forEach((count, c) => {
      const conversationId = `c${c}`;
      tx.objectStore('conversations').put({
        id: conversationId,
        projectId: 'p',
        title: '',
        createdAt: 0,
        updatedAt: 0,
        archived: false,
        pinned: false,
        tags: [],
        messageCount: count,
      });
      for (let i = 0; i < count; i++) {
        // Written newest first: the upgrade must follow time, not writing order.
        const n = count - 1 - i;
        tx.objectStore('messages').put({
          id: `${conversationId}-${String(n).padStart(5, '0')}`,
          conversationId,
          projectId: 'p',
          role: 'user',
          content: `#${n}`,
          status: 'complete',
          createdAt: 1000 + n,
          updatedAt: 1000 + n,
        });
      }
    });
    await new Promise((resolve) => {
      tx.oncomplete = resolve;
    });
    db.close();

    const adapter = await IndexedDBAdapter.open({ dbName: 'big', indexedDB: factory });
    for (const [c, count] of counts.entries()) {
      const all = await adapter.loadConversation(`c${c}`);
      expect(all).toHaveLength(count);
      expect(all.every((m, i) => m.parentId === (i === 0 ? null : all[i - 1]!.id))).toBe(true);
      expect(await adapter.getConversation(`c${c}`)).toMatchObject({ messageCount: count });
    }
    const page = await adapter.getMessages('c2', { limit: 50 });
    expect(page.messages.at(-1)?.content).toBe('#2999');
    expect(page.hasMore).toBe(true);
    await adapter.close();
  });
});
