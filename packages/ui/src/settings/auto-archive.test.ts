import type { ChatStorageAdapter, Conversation } from '@chatkeep/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { autoArchive, DAY_MS, isDueForArchive, scheduleAutoArchive } from './auto-archive.js';

const NOW = Date.UTC(2025, 5, 1);
const conversation = (patch: Partial<Conversation>): Conversation => ({
  id: 'c',
  projectId: 'p',
  title: 't',
  createdAt: 0,
  updatedAt: NOW,
  archived: false,
  pinned: false,
  tags: [],
  messageCount: 0,
  ...patch,
});

describe('isDueForArchive', () => {
  it('is due once untouched for N whole days, not a millisecond before', () => {
    expect(isDueForArchive(conversation({ updatedAt: NOW - 30 * DAY_MS }), 30, NOW)).toBe(true);
    expect(isDueForArchive(conversation({ updatedAt: NOW - 30 * DAY_MS + 1 }), 30, NOW)).toBe(false);
  });

  it('0 days never archives; pinned and already archived conversations are left alone', () => {
    const old = NOW - 400 * DAY_MS;
    expect(isDueForArchive(conversation({ updatedAt: old }), 0, NOW)).toBe(false);
    expect(isDueForArchive(conversation({ updatedAt: old, pinned: true }), 7, NOW)).toBe(false);
    expect(isDueForArchive(conversation({ updatedAt: old, archived: true }), 7, NOW)).toBe(false);
  });
});

describe('autoArchive on the real adapter', () => {
  let storage: ChatStorageAdapter;
  afterEach(() => storage?.close());

  it('archives only the due conversations, in every project', async () => {
    storage = await openTestStorage();
    const old = await storage.createConversation({ projectId: 'work', title: 'old' });
    const pinned = await storage.createConversation({ projectId: 'home', title: 'old pinned' });
    await storage.updateConversation(pinned.id, { pinned: true });
    const later = Date.now() + 10 * DAY_MS;
    const fresh = await storage.createConversation({ projectId: 'home', title: 'fresh' });

    // 10 days on, with a 10-day limit, everything made now is due except the pinned one.
    expect(await autoArchive(storage, 10, later)).toBe(2);
    expect((await storage.getConversation(old.id))?.archived).toBe(true);
    expect((await storage.getConversation(fresh.id))?.archived).toBe(true);
    expect((await storage.getConversation(pinned.id))?.archived).toBe(false);
    // Nothing left to do: a second run changes nothing.
    expect(await autoArchive(storage, 10, later)).toBe(0);
  });

  it('with 0 days, or before the limit, nothing is archived', async () => {
    storage = await openTestStorage();
    const c = await storage.createConversation({ projectId: 'p', title: 'kept' });
    expect(await autoArchive(storage, 0, Date.now() + 1000 * DAY_MS)).toBe(0);
    expect(await autoArchive(storage, 30, Date.now() + 29 * DAY_MS)).toBe(0);
    expect((await storage.getConversation(c.id))?.archived).toBe(false);
  });
});

describe('scheduleAutoArchive', () => {
  it('runs at start, once a day, and whenever the number of days changes', async () => {
    const storage = await openTestStorage();
    await storage.createConversation({ projectId: 'p', title: 'a' });
    let days = 0;
    let now = Date.now();
    let daily: (() => void) | undefined;
    let period = 0;
    let changed: (() => void) | undefined;
    const stop = scheduleAutoArchive({
      adapter: storage,
      getDays: () => days,
      onDaysChange: (l) => {
        changed = l;
        return () => {
          changed = undefined;
        };
      },
      now: () => now,
      setInterval: (fn, ms) => {
        daily = fn;
        period = ms;
        return 1;
      },
      clearInterval: () => {
        daily = undefined;
      },
    });
    const archived = async () => {
      await new Promise((r) => setTimeout(r, 50));
      return (await storage.listConversations('p', { includeArchived: true })).filter((c) => c.archived)
        .length;
    };
    expect(period).toBe(DAY_MS);
    expect(await archived()).toBe(0);

    days = 2;
    now += 3 * DAY_MS;
    changed?.();
    expect(await archived()).toBe(1);

    await storage.createConversation({ projectId: 'p', title: 'b' });
    now += 3 * DAY_MS;
    daily?.();
    expect(await archived()).toBe(2);

    stop();
    expect(daily).toBeUndefined();
    expect(changed).toBeUndefined();
    await storage.close();
  });
});
