// The app's side of the first-paint snapshot: takes over from the painted
// snapshot once its own view is on screen and settled, keeps the snapshot
// in step with what the view shows (a quiet second after it changes, and
// when the page is hidden or left), drops it as soon as storage reports a
// change to its conversation (another tab, another device through sync, a
// deletion), and forgets it at sign-out and when another tab clears everything.
import type { ChatStorageAdapter, StorageChange } from '@chatkeep/storage';
import { CLEARED_CHANNEL } from '../data/cleared-channel.js';
import { whenMainViewPainted } from '../data/first-paint.js';
import type { SyncSettingsStore } from '../sync/sync-settings.js';
import { captureSnapshot, serializeSnapshot } from './capture.js';
import { parseSnapshot, SNAPSHOT_KEY } from './format.js';
import { OVERLAY_ID } from './render.js';
import { currentAccount, forgetSnapshot, readSnapshot, removeSnapshot, storeSnapshot } from './store.js';

/** How long the view stays unchanged before it is written again. */
export const SNAPSHOT_QUIET_MS = 1000;
/** If the app never paints its view (nor an error), the snapshot goes after this long anyway. */
export const TAKEOVER_TIMEOUT_MS = 15_000;
/** The app's errors that replace the whole view (storage cannot open, or is blocked by another tab). */
const APP_ERROR_SELECTOR = '.fatal';
/** Frames the app's view must keep still before the snapshot over it goes (at most MAX_SETTLE_FRAMES). */
const SETTLED_FRAMES = 2;
const MAX_SETTLE_FRAMES = 20;

export interface SnapshotWriter {
  /** Takes the snapshot of the view now (when the page is hidden, say). */
  captureNow(): void;
  /** Drops the snapshot when a write touches its conversation. */
  watchStorage(adapter: Pick<ChatStorageAdapter, 'subscribe'>): () => void;
  /** Forgets the snapshot when the signed-in account changes. */
  watchAccount(settings: SyncSettingsStore): () => void;
  stop(): void;
}

/** What the app's view looks like now: equal twice in a row means it has settled. */
function layoutSignature(root: HTMLElement): string {
  const list = root.querySelector<HTMLElement>('.message-scroll');
  const row = list?.querySelector('.message-row');
  return list
    ? `${list.scrollTop}:${list.scrollHeight}:${row?.getBoundingClientRect().top ?? ''}`
    : root.childElementCount.toString();
}

/** Removes the painted snapshot once the app's own view has kept still for a couple of frames. */
export function takeOverWhenSettled(doc: Document, root: HTMLElement, done: () => void = () => {}): void {
  const overlay = doc.getElementById(OVERLAY_ID);
  if (!overlay) {
    done();
    return;
  }
  let last = layoutSignature(root);
  let still = 0;
  let frames = 0;
  const step = () => {
    const now = layoutSignature(root);
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= SETTLED_FRAMES || ++frames >= MAX_SETTLE_FRAMES) {
      overlay.remove();
      done();
      return;
    }
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

export function startSnapshotWriter(doc: Document = document): SnapshotWriter {
  const root = doc.getElementById('root');
  const win = doc.defaultView;
  let tookOver = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let storedFor: string | undefined;
  const cleanups: (() => void)[] = [];

  const captureNow = () => {
    clearTimeout(timer);
    const app = root?.querySelector('.app');
    // Until the app has taken over, the view on screen is the snapshot itself.
    if (!tookOver || !app) return;
    const list = app.querySelector<HTMLElement>('.message-scroll[data-conversation-id]');
    const snapshot = captureSnapshot(app, { account: currentAccount() });
    const text = snapshot && serializeSnapshot(snapshot);
    if (snapshot && text && storeSnapshot(text)) {
      storedFor = snapshot.conversationId;
    } else if (list && list.dataset.conversationId === storedFor) {
      // This conversation is on screen but cannot be kept: the one kept is out of date.
      removeSnapshot();
      storedFor = undefined;
    }
  };

  const schedule = () => {
    if (!tookOver) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(captureNow, { timeout: 2000 });
      else captureNow();
    }, SNAPSHOT_QUIET_MS);
  };

  let takingOver = false;
  const takeOver = () => {
    if (takingOver || !root) return;
    takingOver = true;
    clearTimeout(safety);
    takeOverWhenSettled(doc, root, () => {
      tookOver = true;
      storedFor = readSnapshot()?.conversationId;
      schedule();
    });
  };
  // The app's view (messages, an empty or missing conversation), or an error in its place.
  whenMainViewPainted(takeOver);
  const safety = setTimeout(takeOver, TAKEOVER_TIMEOUT_MS);
  cleanups.push(() => clearTimeout(safety));

  if (root) {
    const observer = new MutationObserver(() => {
      if (!takingOver && root.querySelector(APP_ERROR_SELECTOR)) takeOver();
      schedule();
    });
    observer.observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
    cleanups.push(() => observer.disconnect());
  }
  const onScroll = () => schedule();
  const onHidden = () => {
    if (doc.visibilityState === 'hidden') captureNow();
  };
  const onStorage = (event: StorageEvent) => {
    if (event.key === SNAPSHOT_KEY || event.key === null) {
      storedFor = parseSnapshot(event.newValue)?.conversationId;
    }
  };
  // "Clear all conversations" in another tab: this one reloads, and must not write what it showed as it goes.
  if (typeof BroadcastChannel === 'function') {
    const cleared = new BroadcastChannel(CLEARED_CHANNEL);
    cleared.onmessage = () => {
      forgetSnapshot();
      storedFor = undefined;
    };
    cleanups.push(() => cleared.close());
  }
  doc.addEventListener('scroll', onScroll, { capture: true, passive: true });
  doc.addEventListener('visibilitychange', onHidden);
  win?.addEventListener('pagehide', captureNow);
  win?.addEventListener('resize', onScroll);
  win?.addEventListener('storage', onStorage);
  cleanups.push(() => {
    doc.removeEventListener('scroll', onScroll, { capture: true });
    doc.removeEventListener('visibilitychange', onHidden);
    win?.removeEventListener('pagehide', captureNow);
    win?.removeEventListener('resize', onScroll);
    win?.removeEventListener('storage', onStorage);
    clearTimeout(timer);
  });

  return {
    captureNow,
    watchStorage(adapter) {
      return adapter.subscribe((change: StorageChange) => {
        const id = storedFor;
        if (!id) return;
        const touched =
          change.conversations.some((c) => c.id === id) ||
          change.messages.some((m) => m.conversationId === id);
        if (!touched) return;
        // Written again from the view once it shows the change (if this tab shows that conversation).
        removeSnapshot();
        storedFor = undefined;
        schedule();
      });
    },
    watchAccount(settings) {
      return settings.subscribe((state, prev) => {
        if (state.account?.userId === prev.account?.userId && state.serverUrl === prev.serverUrl) return;
        if (prev.account) {
          // Signed out (or the session ended): nothing of that account is painted again.
          forgetSnapshot();
        } else {
          // Signed in: what was kept is from before; the next one is taken under the account.
          removeSnapshot();
        }
        storedFor = undefined;
      });
    },
    stop() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
