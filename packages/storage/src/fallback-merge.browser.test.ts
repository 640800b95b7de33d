// A blocked open and the merge of the localStorage copy on real IndexedDB,
// real localStorage and real Web Locks in Chromium.
import { wrap } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { expectStorageError } from './contract/context.js';
import type { StorageBlockedError } from './errors.js';
import type { FallbackMergeReport } from './fallback-merge.js';
import { createV1 } from './indexeddb/upgrade.js';
import { LocalStorageAdapter } from './localstorage/index.js';
import { openChatStorage } from './open.js';
import type { SyncableChatStorage } from './types.js';

let sequence = 0;
const opened: SyncableChatStorage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

function newDbName(): string {
  return `merge-${Date.now().toString(36)}-${sequence++}`;
}

const copyKeys = (dbName: string) =>
  Object.keys(localStorage).filter((key) => key.startsWith(`chatkeep:${dbName}:`));

async function openHistory(dbName: string, reports: FallbackMergeReport[] = []) {
  const db = await openChatStorage({ dbName, onFallbackMerged: (r) => reports.push(r), blockedGraceMs: 200 });
  opened.push(db);
  return db;
}

/** What a tab wrote while IndexedDB could not be used. */
async function writeFallback(dbName: string): Promise<SyncableChatStorage> {
  const fallback = await LocalStorageAdapter.open({ dbName });
  opened.push(fallback);
  await fallback.createConversation({ projectId: 'p1', id: 'away', title: 'Away' });
  for (const n of [1, 2, 3]) {
    await fallback.saveMessage({
      id: `away-${n}`,
      conversationId: 'away',
      projectId: 'p1',
      role: 'user',
      content: `message ${n}`,
    });
  }
  return fallback;
}

describe('storage held by another tab, and the localStorage copy (Chromium)', () => {
  it("an open blocked by a tab at an older version rejects with 'blocked' and writes nothing to localStorage", async () => {
    const dbName = newDbName();
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName, 1);
      request.onupgradeneeded = () => createV1(wrap(request.result) as never);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    old.onversionchange = () => {}; // An older version that does not let go.
    const error = await expectStorageError(openHistory(dbName), 'blocked', /Close or reload/);
    expect(copyKeys(dbName)).toEqual([]);
    old.close();
    await (error as StorageBlockedError).unblocked;
    expect((await openHistory(dbName)).kind).toBe('indexeddb');
    expect(copyKeys(dbName)).toEqual([]);
  });

  it('two tabs opening at once under Web Locks merge the copy once: one report, every message once', async () => {
    const dbName = newDbName();
    await writeFallback(dbName);
    const reports: FallbackMergeReport[] = [];
    const [a, b] = await Promise.all([openHistory(dbName, reports), openHistory(dbName, reports)]);
    expect(reports).toEqual([
      { status: 'merged', conversations: 1, messages: 3, deletions: 0, conflicts: 0 },
    ]);
    expect((await a.loadConversation('away')).map((m) => m.id)).toEqual(['away-1', 'away-2', 'away-3']);
    expect(await b.getConversation('away')).toMatchObject({ messageCount: 3 });
    expect(copyKeys(dbName)).toEqual([]);
  });

  it('a tab still on localStorage after the merge is told to reload, and its write goes nowhere silently', async () => {
    const dbName = newDbName();
    const fallback = await writeFallback(dbName);
    await openHistory(dbName);
    await expectStorageError(
      fallback.saveMessage({
        id: 'late',
        conversationId: 'away',
        projectId: 'p1',
        role: 'user',
        content: 'x',
      }),
      'unavailable',
      /Reload/,
    );
    expect(copyKeys(dbName)).toEqual([]);
  });
});
