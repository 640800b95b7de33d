// Every failure leaves the old keys exactly as they were, says what to do,
// and a run after fixing the cause succeeds without duplicates.
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStorageAdapter } from '../localstorage/adapter.js';
import { MemoryStorage } from '../test-support/memory-storage.js';
import type { ChatStorageAdapter } from '../types.js';
import { type MigrationTarget, migrationTargets } from './fixtures/adapters.js';
import { sampleThreads, thread, writeSingleHistory, writeThreads } from './fixtures/layouts.js';
import { loadFixture } from './fixtures/load.js';
import { hugeText } from './fixtures/messy.js';
import { LEGACY_HISTORY_KEY, LEGACY_THREADS_KEY, legacyMessagesKey } from './keys.js';
import { migrateLegacyHistory } from './migrate.js';

const legacySnapshot = (storage: MemoryStorage) =>
  Object.fromEntries(Object.entries(storage.snapshot()).filter(([k]) => k.startsWith('leanspec-')));

describe.each(migrationTargets)('migrateLegacyHistory failures with the $name', (target: MigrationTarget) => {
  let adapter: ChatStorageAdapter | undefined;
  const open = async () => {
    const opened = await target.open();
    adapter = opened.adapter;
    return opened;
  };
  afterEach(async () => {
    await adapter?.close();
    adapter = undefined;
  });

  it('fails on invalid JSON, naming the key, and works once the key is repaired', async () => {
    const { adapter, storage } = await open();
    storage.setItem(LEGACY_HISTORY_KEY, '[{"id":"x","role":"user","content":"cut off');
    const before = legacySnapshot(storage);
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/"leanspec-chat-history" does not hold valid JSON/);
    expect(result.error).toMatch(/repair or delete that key, then run the migration again/);
    expect(legacySnapshot(storage)).toEqual(before);
    expect(await adapter.listProjects()).toEqual([]);

    writeSingleHistory(storage, [{ id: 'x', role: 'user', content: 'repaired' }]);
    expect((await migrateLegacyHistory(adapter, { storage })).status).toBe('migrated');
    expect(storage.getItem(LEGACY_HISTORY_KEY)).toBeNull();
  });

  it('fails when the history holds an object instead of an array', async () => {
    const { adapter, storage } = await open();
    storage.setItem(LEGACY_HISTORY_KEY, JSON.stringify({ messages: loadFixture('v4-history') }));
    const before = legacySnapshot(storage);
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result).toMatchObject({ status: 'failed', conversationIds: [], messages: 0 });
    expect(result.error).toMatch(/should hold an array of chat messages but holds an object/);
    expect(legacySnapshot(storage)).toEqual(before);
  });

  it('writes nothing at all when one thread of many is broken', async () => {
    const { adapter, storage } = await open();
    writeThreads(storage, sampleThreads());
    writeSingleHistory(storage, loadFixture('v4-history'));
    storage.setItem(legacyMessagesKey('th-v5'), '{"not":"an array"}');
    const before = legacySnapshot(storage);
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('failed');
    expect(result.error).toContain(legacyMessagesKey('th-v5'));
    expect(legacySnapshot(storage)).toEqual(before);
    expect(await adapter.listProjects()).toEqual([]);
  });

  it('fails when the thread index is not a list of threads with ids', async () => {
    const { adapter, storage } = await open();
    storage.setItem(LEGACY_THREADS_KEY, JSON.stringify({ threads: [] }));
    let result = await migrateLegacyHistory(adapter, { storage });
    expect(result.error).toMatch(/"leanspec-chat-threads" is not a thread list \(it should hold an array/);

    storage.setItem(LEGACY_THREADS_KEY, JSON.stringify([thread('ok'), { title: 'no id' }]));
    const before = legacySnapshot(storage);
    result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/leanspec-chat-threads\[1\]\.id/);
    expect(legacySnapshot(storage)).toEqual(before);
  });

  it('fails, keeping the keys, when the storage cannot be read', async () => {
    const { adapter } = await open();
    const storage = new MemoryStorage();
    writeSingleHistory(storage, [{ id: 'a', role: 'user', content: 'hi' }]);
    storage.getItem = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/refused to read localStorage key "leanspec-chat-history"/);
    expect(storage.snapshot()[LEGACY_HISTORY_KEY]).toBeDefined();
  });

  it('reports a bad projectId without touching anything', async () => {
    const { adapter, storage } = await open();
    writeSingleHistory(storage, [{ id: 'a', role: 'user', content: 'hi' }]);
    const result = await migrateLegacyHistory(adapter, { storage, projectId: '' });
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/projectId/) });
    expect(storage.getItem(LEGACY_HISTORY_KEY)).not.toBeNull();
  });
});

describe('migrateLegacyHistory when localStorage fills up', () => {
  // The localStorage adapter writes into the same Storage that holds the legacy keys.
  const BALLAST = 'other-app-cache';

  async function fullStorage(legacy: (s: MemoryStorage) => void, ballastBytes: number) {
    const probe = new MemoryStorage();
    legacy(probe);
    await (await LocalStorageAdapter.open({ dbName: 'probe', storage: probe })).close();
    // Room for the legacy keys, the adapter's own keys and the ballast, but not for a copy of the history.
    const storage = new MemoryStorage(probe.usedBytes + ballastBytes + 64 * 1024);
    legacy(storage);
    storage.setItem(BALLAST, 'x'.repeat(ballastBytes / 2));
    const adapter = await LocalStorageAdapter.open({ dbName: 'chatkeep', storage });
    return { storage, adapter };
  }

  it('fails with quota advice, leaves the old keys untouched, and succeeds after space is freed', async () => {
    const big = hugeText(300_000);
    const legacy = (s: MemoryStorage) =>
      writeSingleHistory(s, [
        { id: 'q-u', role: 'user', content: 'Summarise this' },
        { id: 'q-a', role: 'assistant', content: big },
      ]);
    const { storage, adapter } = await fullStorage(legacy, 2_000_000);
    const before = legacySnapshot(storage);

    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/browser storage is full/);
    expect(result.error).toMatch(/run the migration again/);
    expect(result.conversationIds).toEqual([]);
    expect(legacySnapshot(storage)).toEqual(before);
    expect(await adapter.loadConversation('legacy-leanspec-chat-history')).toEqual([]);

    storage.removeItem(BALLAST);
    const retry = await migrateLegacyHistory(adapter, { storage });
    expect(retry.status).toBe('migrated');
    expect((await adapter.loadConversation('legacy-leanspec-chat-history')).map((m) => m.content)).toEqual([
      'Summarise this',
      big,
    ]);
    expect(storage.getItem(LEGACY_HISTORY_KEY)).toBeNull();
    await adapter.close();
  });

  it('keeps every key when the quota runs out after some threads were saved, and a re-run finishes without duplicates', async () => {
    const small = [{ id: 's-u', role: 'user', content: 'short thread' }];
    const large = [
      { id: 'l-u', role: 'user', content: 'long thread' },
      { id: 'l-a', role: 'assistant', content: hugeText(300_000) },
    ];
    const legacy = (s: MemoryStorage) =>
      writeThreads(s, [
        { thread: thread('t-small', { messageCount: 1 }), messages: small },
        { thread: thread('t-large', { messageCount: 2 }), messages: large },
      ]);
    const { storage, adapter } = await fullStorage(legacy, 2_000_000);
    const before = legacySnapshot(storage);

    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('failed');
    expect(result.conversationIds).toEqual(['t-small']);
    expect(result.error).toContain('"Thread t-large" (t-large)');
    expect(legacySnapshot(storage)).toEqual(before);

    storage.removeItem(BALLAST);
    const retry = await migrateLegacyHistory(adapter, { storage });
    expect(retry).toMatchObject({ status: 'migrated', conversationIds: ['t-small', 't-large'], messages: 3 });
    expect((await adapter.loadConversation('t-small')).length).toBe(1);
    expect((await adapter.listConversations('default')).map((c) => c.id).sort()).toEqual([
      't-large',
      't-small',
    ]);
    expect(Object.keys(legacySnapshot(storage))).toEqual([]);
    await adapter.close();
  });
});
