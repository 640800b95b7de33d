// The upgrade of a real database of the previous release (layout 1, made by
// that release's code: fixtures/make-layout-1.mjs) to message trees.
import { describe, expect, it } from 'vitest';
import { expectStorageError } from '../contract/context.js';
import { MemoryStorage } from '../test-support/memory-storage.js';
import type { Message } from '../types.js';
import { LocalStorageAdapter } from './adapter.js';
import layout1 from './fixtures/layout-1.json' with { type: 'json' };

const PREFIX = 'chatkeep:chatkeep:';

function previousRelease(quota?: number): MemoryStorage {
  const storage = new MemoryStorage(quota);
  for (const [key, value] of Object.entries(layout1)) storage.setItem(key, value);
  return storage;
}

/** Every message the fixture holds, by conversation, as the previous release stored them. */
function storedMessages(snapshot: Record<string, string>): Record<string, Omit<Message, 'parentId'>[]> {
  const out: Record<string, Omit<Message, 'parentId'>[]> = {};
  for (const [key, value] of Object.entries(snapshot)) {
    if (!key.startsWith(`${PREFIX}conv:`)) continue;
    out[key.slice(`${PREFIX}conv:`.length)] = (JSON.parse(value) as { messages: Message[] }).messages;
  }
  return out;
}

const chains: Record<string, string[]> = {
  'conv-trip': ['trip-1', 'trip-2', 'trip-3', 'trip-4', 'trip-5', 'trip-6'],
  // Equal times are ordered by id; notes-c was saved after notes-d but is older.
  'conv-notes': ['notes-a', 'notes-b', 'notes-c', 'notes-d'],
  'conv-phone': ['phone-1', 'phone-2'],
  'conv-not-yet': ['early-1'],
};

describe('upgrading a localStorage database of the previous release', () => {
  it('gives each message the one before it in time order as parent and keeps every message', async () => {
    const storage = previousRelease();
    const before = storedMessages(storage.snapshot());
    const db = await LocalStorageAdapter.open({ storage });
    for (const [conversationId, chain] of Object.entries(chains)) {
      const messages = await db.loadConversation(conversationId);
      expect(messages.map((m) => m.id)).toEqual(chain);
      expect(messages.map((m) => m.parentId)).toEqual([null, ...chain.slice(0, -1)]);
      // Nothing but parentId changed.
      const expected = [...before[conversationId]!].sort((a, b) => chain.indexOf(a.id) - chain.indexOf(b.id));
      expect(messages.map(({ parentId: _p, ...rest }) => rest)).toEqual(expected);
    }
    expect(JSON.parse(storage.getItem(`${PREFIX}meta`)!)).toMatchObject({ layout: 3 });
  });

  it('shows the same history as before: the active branch is the whole conversation', async () => {
    const db = await LocalStorageAdapter.open({ storage: previousRelease() });
    const trip = await db.getMessages('conv-trip');
    expect(trip.messages.map((m) => m.id)).toEqual(chains['conv-trip']);
    expect(await db.getConversation('conv-trip')).toMatchObject({
      messageCount: 6,
      lastMessage: 'In June, try the Azores: whale watching, hikes and',
    });
    expect(await db.getConversation('conv-notes')).toMatchObject({
      messageCount: 4,
      lastMessage: 'newest, edited on the phone',
      pinned: true,
      tags: ['work'],
    });
    expect((await db.listConversations('default')).map((c) => c.id).sort()).toEqual([
      'conv-phone',
      'conv-trip',
    ]);
    // The next message follows the last one.
    const next = await db.saveMessage({
      id: 'trip-7',
      conversationId: 'conv-trip',
      projectId: 'default',
      role: 'user',
      content: 'Retry that, please',
    });
    expect(next.parentId).toBe('trip-6');
  });

  it('keeps the sync state: outbox, cursor, tombstones, conflicts and the clock', async () => {
    const storage = previousRelease();
    const db = await LocalStorageAdapter.open({ storage });
    expect((await db.pendingChanges(100)).map((c) => `${c.kind}:${c.id}`)).toEqual(['message:trip-4']);
    expect(await db.getCursor()).toBe('cursor-105');
    expect(await db.getSyncMetadata('message', 'notes-x')).toMatchObject({ deleted: true });
    expect(await db.getSyncMetadata('message', 'phone-2')).toMatchObject({
      syncStatus: 'synced',
      version: 103,
    });
    const [conflict] = await db.listConflicts();
    expect(conflict).toMatchObject({ recordId: 'notes-d', local: { content: 'newest, edited here' } });
    await db.restoreConflict(conflict!.id);
    const restored = (await db.loadConversation('conv-notes')).find((m) => m.id === 'notes-d');
    expect(restored).toMatchObject({ content: 'newest, edited here', parentId: 'notes-c' });
    const layoutClock = JSON.parse(layout1[`${PREFIX}meta`]).clock as string;
    expect((await db.getSyncMetadata('message', 'notes-d'))!.hlc > layoutClock).toBe(true);
  });

  it('gives every project in use a record named after its id, dated by its oldest conversation', async () => {
    const storage = previousRelease();
    const db = await LocalStorageAdapter.open({ storage });
    const ids = JSON.parse(layout1[`${PREFIX}projects`]) as string[];
    const projects = await db.getProjects();
    expect(projects.map((p) => [p.id, p.name])).toEqual(ids.map((id) => [id, id]));
    for (const project of projects) {
      const conversations = await db.listConversations(project.id, { includeArchived: true });
      expect(project.createdAt).toBe(Math.min(...conversations.map((c) => c.createdAt)));
    }
    // Not pushed: every device derives the same record from the same id.
    expect((await db.pendingChanges(100)).filter((c) => c.kind === 'project')).toEqual([]);
    expect(await db.listProjects()).toEqual(ids);
  });

  it('is safe to run twice, and in two tabs opening at once', async () => {
    const once = previousRelease();
    await LocalStorageAdapter.open({ storage: once });
    const upgraded = once.snapshot();
    await LocalStorageAdapter.open({ storage: once });
    expect(once.snapshot()).toEqual(upgraded);

    const shared = previousRelease();
    const [tab1, tab2] = await Promise.all([
      LocalStorageAdapter.open({ storage: shared }),
      LocalStorageAdapter.open({ storage: shared }),
    ]);
    expect(shared.snapshot()).toEqual(upgraded);
    expect(tab1.clientId).toBe(tab2.clientId);
    expect(await tab2.loadConversation('conv-trip')).toEqual(await tab1.loadConversation('conv-trip'));
  });

  it('on a full disk it changes nothing and says what to do, and succeeds once there is room', async () => {
    const full = previousRelease();
    const tight = new MemoryStorage(full.usedBytes + 200);
    for (const [key, value] of Object.entries(full.snapshot())) tight.setItem(key, value);
    await expectStorageError(LocalStorageAdapter.open({ storage: tight }), 'quota-exceeded', /upgrade/);
    expect(tight.snapshot()).toEqual(full.snapshot());
    const db = await LocalStorageAdapter.open({ storage: full });
    expect(await db.loadConversation('conv-phone')).toHaveLength(2);
  });
});
