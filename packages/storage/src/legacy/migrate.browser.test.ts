// The migration in Chromium: the page's real localStorage (found without
// being passed in), real IndexedDB, and real quota errors.
import { afterEach, describe, expect, it } from 'vitest';
import { IndexedDBAdapter } from '../indexeddb/adapter.js';
import { LocalStorageAdapter } from '../localstorage/adapter.js';
import type { ChatStorageAdapter } from '../types.js';
import { sampleThreads, writeSingleHistory, writeThreads } from './fixtures/layouts.js';
import { EMOJI_TEXT, hugeText, mixedShapes } from './fixtures/messy.js';
import { LEGACY_HISTORY_KEY, singleHistoryConversationId } from './keys.js';
import { migrateLegacyHistory } from './migrate.js';

const FILLER = 'other-site-data';
let adapter: ChatStorageAdapter | undefined;

function keysStartingWith(prefix: string): string[] {
  return Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)!).filter((k) =>
    k.startsWith(prefix),
  );
}

function legacySnapshot(): Record<string, string | null> {
  return Object.fromEntries(keysStartingWith('leanspec-').map((k) => [k, localStorage.getItem(k)]));
}

afterEach(async () => {
  await adapter?.close();
  adapter = undefined;
  for (const key of [...keysStartingWith('leanspec-'), ...keysStartingWith('chatkeep:'), FILLER]) {
    localStorage.removeItem(key);
  }
});

describe('migrateLegacyHistory in Chromium', () => {
  it('moves both layouts from the page localStorage into IndexedDB and removes the old keys', async () => {
    adapter = await IndexedDBAdapter.open({ dbName: `legacy-${crypto.randomUUID()}` });
    writeThreads(localStorage, sampleThreads());
    writeSingleHistory(localStorage, [
      ...mixedShapes(),
      { id: 'emoji', role: 'assistant', content: EMOJI_TEXT },
    ]);

    const result = await migrateLegacyHistory(adapter);
    expect(result.status).toBe('migrated');
    expect(result.conversationIds).toEqual([
      singleHistoryConversationId(LEGACY_HISTORY_KEY),
      'th-v4',
      'th-v5',
      'th-noids',
      'th-stream',
      'th-lost',
    ]);
    expect(keysStartingWith('leanspec-')).toEqual([]);
    const history = await adapter.loadConversation(singleHistoryConversationId(LEGACY_HISTORY_KEY));
    expect(history.at(-1)?.content).toBe(EMOJI_TEXT);
    expect(history.find((m) => m.id === 'mx-t2')?.toolResult).toEqual({ found: true });
    expect((await adapter.getConversation('th-v4'))?.createdAt).toBe(Date.parse('2025-02-10T08:00:00.000Z'));

    expect((await migrateLegacyHistory(adapter)).status).toBe('nothing-to-migrate');
  });

  it('lets one of two tabs migrating at once do the work, the other finding nothing left', async () => {
    const dbName = `legacy-${crypto.randomUUID()}`;
    adapter = await IndexedDBAdapter.open({ dbName });
    const otherTab = await IndexedDBAdapter.open({ dbName });
    writeThreads(localStorage, sampleThreads());
    const results = await Promise.all([migrateLegacyHistory(adapter), migrateLegacyHistory(otherTab)]);
    expect(results.map((r) => r.status).sort()).toEqual(['migrated', 'nothing-to-migrate']);
    expect((await adapter.listConversations('default')).length).toBe(5);
    await otherTab.close();
  });

  it('fails on a full localStorage without touching the old keys, then succeeds once space is freed', async () => {
    adapter = await LocalStorageAdapter.open({ dbName: `legacy-${crypto.randomUUID()}` });
    const big = hugeText(400_000);
    writeSingleHistory(localStorage, [
      { id: 'q-u', role: 'user', content: 'Please keep this' },
      { id: 'q-a', role: 'assistant', content: big },
    ]);
    // Fill what is left so that a second copy of the history cannot fit.
    let low = 0;
    let high = 16 * 1024 * 1024;
    while (high - low > 16 * 1024) {
      const mid = Math.floor((low + high) / 2);
      try {
        localStorage.setItem(FILLER, 'f'.repeat(mid));
        low = mid;
      } catch {
        high = mid;
      }
    }
    localStorage.setItem(FILLER, 'f'.repeat(Math.max(0, low - 100_000)));
    const before = legacySnapshot();

    const result = await migrateLegacyHistory(adapter);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/browser storage is full/);
    expect(legacySnapshot()).toEqual(before);

    localStorage.removeItem(FILLER);
    const retry = await migrateLegacyHistory(adapter);
    expect(retry.status).toBe('migrated');
    const stored = await adapter.loadConversation(singleHistoryConversationId(LEGACY_HISTORY_KEY));
    expect(stored.map((m) => m.content)).toEqual(['Please keep this', big]);
    expect(localStorage.getItem(LEGACY_HISTORY_KEY)).toBeNull();
  });
});
