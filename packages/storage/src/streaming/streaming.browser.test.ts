// The parts a browser provides, for real in Chromium: Web Locks shared
// between streams, the default locks a page gets, and `window` as the page
// whose hiding saves a stream's buffered text into real IndexedDB.
import { describe, expect, it } from 'vitest';
import { openBrowserDb } from '../indexeddb/test-support/browser-databases.js';
import type { LockManagerLike } from '../web-locks.js';
import { recoverInterrupted } from './recover.js';
import { defaultStreamLocks, webStreamLocks } from './stream-locks.js';
import { StreamWriter } from './stream-writer.js';

const open = () => openBrowserDb('streaming');
let sequence = 0;

const webLocks = () => navigator.locks as unknown as Required<LockManagerLike>;

describe('stream locks on Web Locks (Chromium)', () => {
  it('are what a page gets by default, and hold shared locks: two streams into one conversation run at once', async () => {
    const locks = defaultStreamLocks();
    const conversationId = `c-${sequence++}`;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = locks.hold(conversationId, () => gate);
    // The second stream must not wait for the first: with an exclusive lock this would never resolve.
    expect(await locks.hold(conversationId, async () => locks.isLive(conversationId))).toBe(true);
    expect(await webStreamLocks(webLocks()).isLive(conversationId)).toBe(true);
    release();
    await first;
    expect(await locks.isLive(conversationId)).toBe(false);
  });

  it('keep recovery away from an answer another stream is writing', async () => {
    const db = await open();
    const locks = webStreamLocks(webLocks());
    const { id: conversationId } = await db.createConversation({ projectId: 'p' });
    let release!: () => void;
    const streaming = locks.hold(conversationId, async () => {
      const writer = new StreamWriter({ storage: db, id: 'a1', conversationId, projectId: 'p' });
      await writer.start();
      await new Promise<void>((r) => (release = r));
    });
    await expect.poll(() => db.loadConversation(conversationId).then((m) => m.length)).toBe(1);
    expect(await recoverInterrupted(db, locks, conversationId)).toBe(0);
    release();
    await streaming;
    expect(await recoverInterrupted(db, locks, conversationId)).toBe(1);
  });
});

describe('StreamWriter with window as its page (Chromium)', () => {
  it('saves what is buffered into IndexedDB on pagehide, without waiting for the timer', async () => {
    const db = await open();
    const { id: conversationId } = await db.createConversation({ projectId: 'p' });
    const writer = new StreamWriter({
      storage: db,
      id: 'a1',
      conversationId,
      projectId: 'p',
      intervalMs: 60_000,
      pageHide: window,
    });
    await writer.start();
    writer.appendText('Said just before the tab closed');
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    await writer.settled();
    const [saved] = await db.loadConversation(conversationId);
    expect(saved).toMatchObject({ status: 'streaming', content: 'Said just before the tab closed' });
    await writer.finish();
  });
});
