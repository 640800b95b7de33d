import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deleteChatStorage } from './delete-storage.js';
import { newId } from './ids.js';
import { openChatStorage } from './open.js';
import { MemoryStorage } from './test-support/memory-storage.js';

const fresh = () => `wipe-${newId()}`;

describe('deleteChatStorage', () => {
  it('removes the IndexedDB history so the next open starts empty, with a new device id', async () => {
    const dbName = fresh();
    const first = await openChatStorage({ dbName });
    await first.createConversation({ projectId: 'p', title: 'Doomed' });
    const clientId = first.clientId;
    await first.close();

    await deleteChatStorage({ dbName, storage: new MemoryStorage() });

    const again = await openChatStorage({ dbName });
    expect(await again.listProjects()).toEqual([]);
    expect(again.clientId).not.toBe(clientId);
    await again.close();
  });

  it('removes the localStorage fallback and nothing else in localStorage', async () => {
    const storage = new MemoryStorage();
    storage.setItem('chatkeep-ui', '{"keep":true}');
    const dbName = fresh();
    const db = await openChatStorage({ dbName, prefer: 'localstorage', storage });
    await db.createConversation({ projectId: 'p', title: 'Doomed' });
    await db.close();
    expect(storage.length).toBeGreaterThan(1);

    await deleteChatStorage({ dbName, storage });

    const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i));
    expect(keys).toEqual(['chatkeep-ui']);
  });

  it('waits for another open connection to close itself, then deletes', async () => {
    const dbName = fresh();
    const other = await openChatStorage({ dbName });
    await other.createConversation({ projectId: 'p', title: 'Open elsewhere' });
    await deleteChatStorage({ dbName, storage: new MemoryStorage() });
    const reopened = await openChatStorage({ dbName });
    expect(await reopened.listProjects()).toEqual([]);
    await reopened.close();
  });
});
