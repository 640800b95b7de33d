import { afterEach, describe, expect, it } from 'vitest';
import { convertAiSdkMessages } from '../ai-sdk/convert.js';
import type { ChatStorageAdapter } from '../types.js';
import { type MigrationTarget, migrationTargets } from './fixtures/adapters.js';
import { sampleThreads, thread, writeSingleHistory, writeThreads } from './fixtures/layouts.js';
import { loadFixture } from './fixtures/load.js';
import { EMOJI_TEXT, hugeText } from './fixtures/messy.js';
import { LEGACY_HISTORY_KEY, legacyMessagesKey, singleHistoryConversationId } from './keys.js';
import { migrateLegacyHistory } from './migrate.js';

const HISTORY_ID = singleHistoryConversationId(LEGACY_HISTORY_KEY);
const legacyKeys = (storage: Storage) =>
  Array.from({ length: storage.length }, (_, i) => storage.key(i)!).filter((k) => k.startsWith('leanspec-'));

describe.each(migrationTargets)('migrateLegacyHistory into the $name', (target: MigrationTarget) => {
  let adapter: ChatStorageAdapter | undefined;
  const open = async (quota?: number) => {
    const opened = await target.open(quota);
    adapter = opened.adapter;
    return opened;
  };
  afterEach(async () => {
    await adapter?.close();
    adapter = undefined;
  });

  it('says nothing-to-migrate and writes nothing when no legacy key exists', async () => {
    const { adapter, storage } = await open();
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result).toEqual({ status: 'nothing-to-migrate', conversationIds: [], messages: 0, skipped: [] });
    expect(await adapter.listProjects()).toEqual([]);
  });

  it('moves the single history into one conversation of project default, titled by the first user message', async () => {
    const { adapter, storage } = await open();
    writeSingleHistory(storage, loadFixture('v4-history'));
    const result = await migrateLegacyHistory(adapter, { storage });

    expect(result.status).toBe('migrated');
    expect(result.conversationIds).toEqual([HISTORY_ID]);
    expect(result.messages).toBe(5);
    expect(result.skipped).toEqual([{ id: 'v4-d1', reason: expect.stringContaining('"data"') }]);
    const conversation = await adapter.getConversation(HISTORY_ID);
    expect(conversation).toMatchObject({
      projectId: 'default',
      title: "What's the weather in Berlin? Here is my itinerary.",
      messageCount: 5,
      createdAt: Date.parse('2024-11-03T09:15:00.000Z'),
    });
    const stored = await adapter.loadConversation(HISTORY_ID);
    expect(stored.map((m) => [m.id, m.role, m.status])).toEqual([
      ['v4-u1', 'user', 'complete'],
      ['v4-a1', 'assistant', 'complete'],
      ['v4-a1:tool:call_weather_1', 'tool', 'complete'],
      ['v4-u2', 'user', 'complete'],
      ['v4-a2', 'assistant', 'interrupted'],
    ]);
    expect(stored[2]!.toolResult).toEqual({ tempC: 12, sky: 'cloudy' });
    expect(stored[1]!.metadata?.reasoning).toBe('The user wants the weather; call the weather tool.');
    expect(storage.getItem(LEGACY_HISTORY_KEY)).toBeNull();
  });

  it('puts the single history in the project and reads the key the caller names', async () => {
    const { adapter, storage } = await open();
    writeSingleHistory(storage, [{ id: 'k1', role: 'user', content: 'hi there' }], 'my-old-chat');
    writeSingleHistory(storage, [{ id: 'k2', role: 'user', content: 'not this one' }]);
    const result = await migrateLegacyHistory(adapter, {
      storage,
      key: 'my-old-chat',
      projectId: 'leanspec',
    });
    expect(result.conversationIds).toEqual([singleHistoryConversationId('my-old-chat')]);
    expect(await adapter.listProjects()).toEqual(['leanspec']);
    expect(storage.getItem('my-old-chat')).toBeNull();
    expect(storage.getItem(LEGACY_HISTORY_KEY)).not.toBeNull();
  });

  it('moves every thread with its title, dates and model, and removes all thread keys', async () => {
    const { adapter, storage } = await open();
    writeThreads(storage, sampleThreads());
    const result = await migrateLegacyHistory(adapter, { storage });

    expect(result.status).toBe('migrated');
    expect(result.conversationIds).toEqual(['th-v4', 'th-v5', 'th-noids', 'th-stream', 'th-lost']);
    expect(result.messages).toBe(3 + 2 + 4 + 3);
    expect(legacyKeys(storage)).toEqual([]);

    const v5 = await adapter.getConversation('th-v5');
    expect(v5).toMatchObject({
      projectId: 'default',
      title: EMOJI_TEXT,
      createdAt: Date.parse('2025-03-01T12:00:00.000Z'),
      updatedAt: Date.parse('2025-03-01T12:45:00.000Z'),
      messageCount: 2,
    });
    const v5Messages = await adapter.loadConversation('th-v5');
    // Untimed messages are placed from the thread's creation time, in order.
    expect(v5Messages.map((m) => m.createdAt)).toEqual([
      Date.parse('2025-03-01T12:00:00.000Z'),
      Date.parse('2025-03-01T12:00:00.000Z') + 1,
    ]);
    expect(v5Messages[1]!.metadata).toMatchObject({
      model: 'claude-sonnet-4',
      provider: 'anthropic',
      reasoning: 'Count by status.',
    });
    expect(v5Messages[0]!.metadata?.model).toBeUndefined();

    expect((await adapter.getConversation('th-v4'))?.title).toBe('Spec review 📋');
    expect((await adapter.loadConversation('th-noids')).map((m) => m.id)).toEqual([
      'th-noids:0',
      'th-noids:1',
      'th-noids:2',
      'th-noids:3',
    ]);
    expect((await adapter.loadConversation('th-stream')).find((m) => m.id === 'hs-v5')?.status).toBe(
      'interrupted',
    );
  });

  it('keeps a thread whose messages key is lost as an empty conversation, and drops never-used threads, saying why', async () => {
    const { adapter, storage } = await open();
    writeThreads(storage, sampleThreads());
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(await adapter.getConversation('th-lost')).toMatchObject({
      title: 'Lost messages',
      messageCount: 0,
    });
    expect(await adapter.getConversation('th-new')).toBeUndefined();
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { id: 'th-lost', reason: expect.stringContaining(`"${legacyMessagesKey('th-lost')}" is missing`) },
        { id: 'th-new', reason: expect.stringContaining('has no messages') },
      ]),
    );
  });

  it('migrates both layouts together, giving a message copied into a thread its own id', async () => {
    const { adapter, storage } = await open();
    const shared = { id: 'shared-1', role: 'user', content: 'Same message in both places' };
    writeSingleHistory(storage, [shared]);
    writeThreads(storage, [{ thread: thread('th-copy', { messageCount: 1 }), messages: [shared] }]);
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('migrated');
    expect(result.conversationIds).toEqual([HISTORY_ID, 'th-copy']);
    expect((await adapter.loadConversation(HISTORY_ID)).map((m) => m.id)).toEqual(['shared-1']);
    expect((await adapter.loadConversation('th-copy')).map((m) => m.id)).toEqual(['th-copy:shared-1']);
  });

  it('says nothing-to-migrate on a second run and leaves the migrated chats as they were', async () => {
    const { adapter, storage } = await open();
    writeThreads(storage, sampleThreads());
    writeSingleHistory(storage, loadFixture('v5-history'));
    await migrateLegacyHistory(adapter, { storage });
    const before = await adapter.listConversations('default');
    const second = await migrateLegacyHistory(adapter, { storage });
    expect(second).toEqual({ status: 'nothing-to-migrate', conversationIds: [], messages: 0, skipped: [] });
    expect(await adapter.listConversations('default')).toEqual(before);
  });

  it('does not duplicate anything when the old keys are still there on a second run', async () => {
    const { adapter, storage } = await open();
    const write = () => {
      writeThreads(storage, sampleThreads());
      writeSingleHistory(storage, loadFixture('v4-history'));
    };
    write();
    const first = await migrateLegacyHistory(adapter, { storage });
    const counts = async () =>
      Promise.all(first.conversationIds.map(async (id) => (await adapter.loadConversation(id)).length));
    const before = await counts();
    write();
    const again = await migrateLegacyHistory(adapter, { storage });
    expect(again.status).toBe('migrated');
    expect(again.conversationIds).toEqual(first.conversationIds);
    expect(await counts()).toEqual(before);
    expect((await adapter.listConversations('default')).length).toBe(first.conversationIds.length);
  });

  it('does not duplicate anything when two migrations run at once', async () => {
    const { adapter, storage } = await open();
    writeThreads(storage, sampleThreads());
    const [a, b] = await Promise.all([
      migrateLegacyHistory(adapter, { storage }),
      migrateLegacyHistory(adapter, { storage }),
    ]);
    expect([a.status, b.status]).toContain('migrated');
    expect((await adapter.listConversations('default')).length).toBe(5);
    expect((await adapter.loadConversation('th-noids')).length).toBe(4);
    expect(legacyKeys(storage)).toEqual([]);
  });

  it('treats an empty history array as nothing to migrate and clears the key', async () => {
    const { adapter, storage } = await open();
    writeSingleHistory(storage, []);
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('nothing-to-migrate');
    expect(storage.getItem(LEGACY_HISTORY_KEY)).toBeNull();
    expect(await adapter.listProjects()).toEqual([]);
  });

  it('keeps 1 MB messages and astral characters intact through the adapter', async () => {
    const { adapter, storage } = await open();
    const big = hugeText();
    writeSingleHistory(storage, [
      { id: 'big-u', role: 'user', content: EMOJI_TEXT },
      { id: 'big-a', role: 'assistant', parts: [{ type: 'text', text: big }] },
    ]);
    const result = await migrateLegacyHistory(adapter, { storage });
    expect(result.status).toBe('migrated');
    const stored = await adapter.loadConversation(HISTORY_ID);
    expect(stored[0]!.content).toBe(EMOJI_TEXT);
    expect(stored[1]!.content).toBe(big);
    expect((await adapter.getConversation(HISTORY_ID))?.title).toBe(EMOJI_TEXT);
  });

  it('stores exactly what convertAiSdkMessages produces for the same messages', async () => {
    const { adapter, storage } = await open();
    const raw = loadFixture('v5-history');
    writeSingleHistory(storage, raw);
    const now = Date.parse('2025-01-01T00:00:00.000Z');
    await migrateLegacyHistory(adapter, { storage, now });
    const expected = convertAiSdkMessages(raw, { conversationId: HISTORY_ID, projectId: 'default', now });
    const stored = await adapter.loadConversation(HISTORY_ID);
    // A migrated history is one branch: each message follows the one before it.
    const branch = expected.messages.map((m, i) => ({
      ...m,
      parentId: i === 0 ? null : expected.messages[i - 1]!.id,
    }));
    expect(stored).toEqual(branch);
  });
});
