// The storage contract against the localStorage adapter on real
// window.localStorage in Chromium: real quota errors, real Web Locks and a
// real BroadcastChannel between adapters.
import { afterEach, describe, expect, it } from 'vitest';
import { expectStorageError, messageInput } from '../contract/context.js';
import { describeStorageContract } from '../contract/index.js';
import { LocalStorageAdapter } from './adapter.js';
import layout1 from './fixtures/layout-1.json' with { type: 'json' };

function removeChatkeepKeys(): void {
  const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter(
    (k): k is string => k?.startsWith('chatkeep:') ?? false,
  );
  for (const key of keys) localStorage.removeItem(key);
}

afterEach(removeChatkeepKeys);

describeStorageContract({
  name: 'localStorage (Chromium)',
  open: (dbName) => LocalStorageAdapter.open({ dbName }),
});

describe('localStorage adapter on a full disk (Chromium)', () => {
  const FILLER = 'chatkeep:filler';

  afterEach(() => localStorage.removeItem(FILLER));

  /** Fills localStorage until fewer than `room` characters still fit. */
  function fillUntil(room: number): void {
    let low = 0;
    let high = 16 * 1024 * 1024;
    while (high - low > room / 2) {
      const mid = Math.floor((low + high) / 2);
      try {
        localStorage.setItem(FILLER, 'f'.repeat(mid));
        low = mid;
      } catch {
        high = mid;
      }
    }
    localStorage.setItem(FILLER, 'f'.repeat(low));
  }

  it("the browser's own quota error becomes quota-exceeded and leaves localStorage as it was", async () => {
    const db = await LocalStorageAdapter.open({ dbName: 'quota' });
    const c = await db.createConversation({ projectId: 'p1', title: 'before the disk filled' });
    const small = await db.saveMessage(messageInput(c, { content: 'small', createdAt: 1 }));
    fillUntil(20_000);
    const snapshot = () =>
      Object.fromEntries(
        Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)!)
          .filter((k) => k.startsWith('chatkeep:quota:'))
          .map((k) => [k, localStorage.getItem(k)]),
      );
    const before = snapshot();
    await expectStorageError(
      db.saveMessage(messageInput(c, { content: 'x'.repeat(200_000), createdAt: 2 })),
      'quota-exceeded',
      /storage/i,
    );
    expect(snapshot()).toEqual(before);
    expect(await db.loadConversation(c.id)).toEqual([small]);
    await db.close();
  });
});

describe('upgrading a localStorage database of the previous release (Chromium)', () => {
  it('two tabs opening it at once upgrade it once under the Web Lock and keep every message', async () => {
    for (const [key, value] of Object.entries(layout1)) localStorage.setItem(key, value);
    const before = Object.keys(layout1).filter((k) => k.includes(':conv:'));
    const [tab1, tab2] = await Promise.all([LocalStorageAdapter.open(), LocalStorageAdapter.open()]);
    expect(JSON.parse(localStorage.getItem('chatkeep:chatkeep:meta')!)).toMatchObject({ layout: 3 });
    const chain = ['trip-1', 'trip-2', 'trip-3', 'trip-4', 'trip-5', 'trip-6'];
    for (const tab of [tab1, tab2]) {
      const trip = await tab.loadConversation('conv-trip');
      expect(trip.map((m) => m.id)).toEqual(chain);
      expect(trip.map((m) => m.parentId)).toEqual([null, ...chain.slice(0, -1)]);
      expect((await tab.getMessages('conv-notes')).messages.map((m) => m.id)).toEqual([
        'notes-a',
        'notes-b',
        'notes-c',
        'notes-d',
      ]);
    }
    let kept = 0;
    for (const key of before) {
      const id = key.slice(key.indexOf(':conv:') + ':conv:'.length);
      kept += (await tab1.loadConversation(id)).length;
    }
    expect(kept).toBe(13);
    await tab1.close();
    await tab2.close();
  });
});
