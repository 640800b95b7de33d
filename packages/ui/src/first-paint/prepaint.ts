// The classic script index.html runs before the app's code (built to a file
// of its own by vite.config.ts, since the CSP allows no inline script):
// paints the snapshot of the conversation about to open, marks the first
// message once that frame is on screen, and tells the app's entry when it
// may start (entry.ts waits, so that the app's code does not hold up this
// frame).
import { SNAPSHOT_KEY, SYNC_KEY, snapshotToPaint, UI_KEY } from './format.js';
import { paintSnapshot } from './render.js';

/** Same name as data/first-paint.ts FIRST_MESSAGE_MARK (not imported: this file stays free of the app). */
const FIRST_MESSAGE_MARK = 'chatkeep:first-message';

declare global {
  interface Window {
    /** Set by this script: settles once the snapshot is painted (true), or at once when none is (false). */
    chatkeepPrepaint?: Promise<boolean>;
  }
}

function paint(): boolean {
  let snapshotRaw: string | null;
  let uiRaw: string | null;
  let syncRaw: string | null;
  try {
    snapshotRaw = localStorage.getItem(SNAPSHOT_KEY);
    uiRaw = localStorage.getItem(UI_KEY);
    syncRaw = localStorage.getItem(SYNC_KEY);
  } catch {
    return false; // No localStorage (blocked): the app paints by itself.
  }
  const snapshot = snapshotToPaint({
    pathname: location.pathname,
    width: innerWidth,
    height: innerHeight,
    snapshotRaw,
    uiRaw,
    syncRaw,
  });
  return !!snapshot && !!paintSnapshot(document, snapshot);
}

/** A tab that is not shown paints no frame: the app does not wait for one longer than this. */
const HIDDEN_WAIT_MS = 100;

window.chatkeepPrepaint = new Promise<boolean>((resolve) => {
  let painted = false;
  try {
    // A tab opened in the background shows nothing yet: the app paints it itself.
    painted = document.visibilityState === 'visible' && paint();
  } catch {
    document.getElementById('first-paint')?.remove();
  }
  if (!painted) {
    resolve(false);
    return;
  }
  // Hidden before its frame (no frame comes then): the app starts anyway; the snapshot stays until it takes over.
  document.addEventListener('visibilitychange', () => setTimeout(() => resolve(true), HIDDEN_WAIT_MS), {
    once: true,
  });
  // rAF runs just before the frame is painted; a task queued from it runs just after.
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      if (performance.getEntriesByName(FIRST_MESSAGE_MARK).length === 0) performance.mark(FIRST_MESSAGE_MARK);
      resolve(true);
    };
    channel.port2.postMessage(undefined);
  });
});
