// The app's side: the painted snapshot goes once the app's view has
// settled, the snapshot follows the view, and it is dropped as soon as its
// conversation changes anywhere, or the account signs out.
import type { StorageChange } from '@chatkeep/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../test/memory-storage.js';
import { CLEARED_CHANNEL } from '../data/cleared-channel.js';
import { reportMainViewCommitted, resetFirstPaintForTests } from '../data/first-paint.js';
import { createSyncSettings } from '../sync/sync-settings.js';
import { parseSnapshot, SNAPSHOT_KEY } from './format.js';
import { OVERLAY_ID } from './render.js';
import { resetSnapshotStoreForTests } from './store.js';
import { type SnapshotWriter, startSnapshotWriter } from './writer.js';

function showConversation(id: string, text: string) {
  document.body.innerHTML = `<div id="root"><div class="app"><main class="chat">
    <div class="message-scroll" data-conversation-id="${id}"><section class="message-list">
      <div class="message-row"><article class="message"><div class="message-text"></div></article></div>
    </section></div></main></div></div>`;
  (document.querySelector('.message-text') as HTMLElement).textContent = text;
}

function paintedOverlay() {
  const overlay = document.createElement('div');
  overlay.id = OVERLAY_ID;
  document.body.appendChild(overlay);
}

const stored = () => parseSnapshot(localStorage.getItem(SNAPSHOT_KEY));

/** A change feed to push changes into, as the storage adapter reports them. */
function changeFeed() {
  const listeners = new Set<(change: StorageChange) => void>();
  return {
    subscribe(listener: (change: StorageChange) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(change: Partial<StorageChange>) {
      for (const l of listeners) {
        l({ origin: 'sync', projectId: 'default', conversations: [], messages: [], ...change });
      }
    },
  };
}

let writer: SnapshotWriter | undefined;

/** Starts the writer on a page showing c1 and waits until the app has taken over and written its snapshot. */
async function startedOn(text: string) {
  showConversation('c1', text);
  paintedOverlay();
  writer = startSnapshotWriter(document);
  reportMainViewCommitted(true);
  await expect.poll(() => document.getElementById(OVERLAY_ID), { timeout: 3000 }).toBeNull();
  writer.captureNow();
  expect(stored()?.conversationId).toBe('c1');
}

beforeEach(() => {
  resetFirstPaintForTests();
  resetSnapshotStoreForTests();
  localStorage.clear();
});
afterEach(() => {
  writer?.stop();
  writer = undefined;
  document.body.innerHTML = '';
});

describe('the app taking over from the painted snapshot', () => {
  it('keeps the painted snapshot until the app has painted its view, then removes it', async () => {
    showConversation('c1', 'Hello');
    paintedOverlay();
    writer = startSnapshotWriter(document);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(document.getElementById(OVERLAY_ID)).not.toBeNull();
    // Nothing is written from a view still covered by the snapshot.
    writer.captureNow();
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
    reportMainViewCommitted(true);
    await expect.poll(() => document.getElementById(OVERLAY_ID), { timeout: 3000 }).toBeNull();
  });

  it('gives way at once to an error the app shows instead of its view (storage cannot open)', async () => {
    document.body.innerHTML = '<div id="root"></div>';
    paintedOverlay();
    writer = startSnapshotWriter(document);
    const error = document.createElement('div');
    error.className = 'fatal';
    error.setAttribute('role', 'alert');
    document.getElementById('root')!.appendChild(error);
    await expect.poll(() => document.getElementById(OVERLAY_ID), { timeout: 3000 }).toBeNull();
  });

  it('writes what the view shows a quiet moment after it changes', async () => {
    await startedOn('Before');
    (document.querySelector('.message-text') as HTMLElement).textContent = 'After';
    await expect
      .poll(() => JSON.stringify(stored()?.tree ?? ''), { timeout: 5000, interval: 100 })
      .toContain('After');
  });
});

describe('a snapshot is never left stale', () => {
  it('is dropped when a write from another tab or device touches its conversation, and only then', async () => {
    await startedOn('Old text');
    const feed = changeFeed();
    writer!.watchStorage(feed);
    feed.emit({ messages: [{ id: 'm9', conversationId: 'c2', deleted: false }] });
    expect(stored()).toBeDefined();
    feed.emit({ origin: 'other-tab', messages: [{ id: 'm1', conversationId: 'c1', deleted: false }] });
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();

    writer!.captureNow();
    expect(stored()).toBeDefined();
    feed.emit({ origin: 'sync', conversations: [{ id: 'c1', deleted: true }] });
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
  });

  it('the view showing the change is written again', async () => {
    await startedOn('Plan a trip to Lisbon');
    const feed = changeFeed();
    writer!.watchStorage(feed);
    (document.querySelector('.message-text') as HTMLElement).textContent = 'Plan a trip to Porto';
    feed.emit({ messages: [{ id: 'm1', conversationId: 'c1', deleted: false }] });
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
    await expect
      .poll(() => JSON.stringify(stored()?.tree ?? ''), { timeout: 5000, interval: 100 })
      .toContain('Plan a trip to Porto');
    expect(JSON.stringify(stored()?.tree)).not.toContain('Lisbon');
  });
});

describe('"Clear all conversations" in another tab', () => {
  it('forgets the snapshot, and this tab does not write it again as it reloads', async () => {
    await startedOn('Soon deleted');
    const other = new BroadcastChannel(CLEARED_CHANNEL);
    other.postMessage('cleared');
    other.close();
    await expect.poll(() => localStorage.getItem(SNAPSHOT_KEY), { timeout: 3000 }).toBeNull();
    writer!.captureNow();
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
  });
});

describe('accounts', () => {
  it('sign-out forgets the snapshot and this page writes none again', async () => {
    const settings = createSyncSettings(() => new MemoryStorage());
    settings.getState().signedIn({ username: 'ann', userId: 'u1', token: 't' });
    await startedOn('Private');
    writer!.watchAccount(settings);
    settings.getState().signedOut();
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
    writer!.captureNow();
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
  });

  it('signing in drops the one taken signed out, and the next is taken under the account', async () => {
    const settings = createSyncSettings(() => new MemoryStorage());
    await startedOn('Mine');
    expect(stored()?.account).toBeNull();
    writer!.watchAccount(settings);
    settings.getState().signedIn({ username: 'ann', userId: 'u1', token: 't' });
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
    localStorage.setItem(
      'chatkeep-sync',
      JSON.stringify({ state: { serverUrl: 'http://s', account: { userId: 'u1' } }, version: 0 }),
    );
    writer!.captureNow();
    expect(stored()?.account).toBe('http://s#u1');
  });
});
