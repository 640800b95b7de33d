// The storage contract against the localStorage adapter on real
// window.localStorage in Chromium: real quota errors, real Web Locks and a
// real BroadcastChannel between adapters.
import { afterEach, describe, expect, it } from 'vitest';
import { expectStorageError, messageInput } from '../contract/context.js';
import { describeStorageContract } from '../contract/index.js';
import { LocalStorageAdapter } from './adapter.js';

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
