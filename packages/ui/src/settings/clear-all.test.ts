import { newId, openChatStorage } from '@chatkeep/storage';
import { describe, expect, it, vi } from 'vitest';
import { MemoryStorage } from '../../test/memory-storage.js';
import { SNAPSHOT_KEY } from '../first-paint/format.js';
import { resetSnapshotStoreForTests, storeSnapshot } from '../first-paint/store.js';
import { rememberShare, shareLabels } from '../share/share-labels.js';
import type { SyncRuntime } from '../sync/sync-runtime.js';
import { createSyncSettings } from '../sync/sync-settings.js';
import { clearAllLocalData, countLocalData, describeClearAll } from './clear-all.js';

async function seeded(dbName: string) {
  const storage = await openChatStorage({ dbName });
  const a = await storage.createConversation({ projectId: 'default', title: 'A' });
  const b = await storage.createConversation({ projectId: 'work', title: 'B' });
  await storage.updateConversation(b.id, { archived: true });
  for (const [conversationId, projectId, n] of [
    [a.id, 'default', 3],
    [b.id, 'work', 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      await storage.saveMessage({ id: newId(), conversationId, projectId, role: 'user', content: `m${i}` });
    }
  }
  return storage;
}

describe('clear all conversations', () => {
  it('counts every conversation and message of every project, archived ones included', async () => {
    const storage = await seeded(`clear-${newId()}`);
    expect(await countLocalData(storage)).toEqual({ projects: 2, conversations: 2, messages: 5 });
    await storage.close();
  });

  it('the confirmation names what is lost and says the server keeps its copies', () => {
    const counts = { projects: 2, conversations: 2, messages: 5 };
    const [lost, server] = describeClearAll(counts, { enabled: true, signedIn: true, everSynced: true });
    expect(lost).toContain('This deletes 2 conversations (5 messages) in 2 projects from this browser');
    expect(server).toMatch(/Copies on the sync server are not deleted.*Sync is turned off.*signed out/);
    const local = describeClearAll(
      { projects: 1, conversations: 1, messages: 1 },
      { enabled: false, signedIn: false, everSynced: false },
    );
    expect(local).toEqual([expect.stringContaining('1 conversation (1 message) from this browser')]);
  });

  it('stops sync, signs this browser out, and deletes the local database; other settings stay', async () => {
    const dbName = `clear-${newId()}`;
    const storage = await seeded(dbName);
    const settings = createSyncSettings(() => new MemoryStorage());
    settings.getState().setServerUrl('http://127.0.0.1:9');
    settings.getState().signedIn({ username: 'ann', userId: 'u', token: 't' });
    settings.getState().setEnabled(true);
    const shutdown = vi.fn(async () => {});
    const runtime = { shutdown } as unknown as SyncRuntime;

    const endSession = vi.fn(async () => true);
    rememberShare('s1', { title: 'A', conversationId: 'a', url: 'http://127.0.0.1:9/s/s1#k' });
    localStorage.setItem(SNAPSHOT_KEY, '{"v":1}');

    await clearAllLocalData({ adapter: storage, settings, runtime, dbName, endSession });

    expect(shutdown).toHaveBeenCalledOnce();
    expect(endSession).toHaveBeenCalledWith(
      { username: 'ann', userId: 'u', token: 't' },
      { serverUrl: 'http://127.0.0.1:9' },
    );
    expect(settings.getState()).toMatchObject({
      enabled: false,
      account: null,
      serverUrl: 'http://127.0.0.1:9',
    });
    // The titles of shared conversations go with them (the links stay listed, untitled).
    expect(shareLabels()).toEqual({});
    // The first-paint snapshot shows the history: gone, and not written again by this page.
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
    expect(storeSnapshot('{}')).toBe(false);
    resetSnapshotStoreForTests();
    const reopened = await openChatStorage({ dbName });
    expect(await countLocalData(reopened)).toEqual({ projects: 0, conversations: 0, messages: 0 });
    await reopened.close();
  });
});
