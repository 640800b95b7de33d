// A returning reader waits for one thing: the open conversation on screen.
// Until the main view has painted its first content, the rest of the start
// (the sidebar's list of every conversation, sync, recovery across all
// conversations, auto-archive, the legacy-migration check) waits here, so
// that none of it competes with that first page for IndexedDB or the main
// thread. Everything still runs, a frame later.
import { useSyncExternalStore } from 'react';

/** Set once per page load when the first message row is on screen; scripts/bench.sh measures cold start with it. */
export const FIRST_MESSAGE_MARK = 'chatkeep:first-message';

/**
 * Set once per page load when the app's own message rows are on screen. With
 * a first-paint snapshot (src/first-paint/) the first message was painted
 * earlier, and FIRST_MESSAGE_MARK marks that; this marks the app's view.
 */
export const APP_MESSAGES_MARK = 'chatkeep:app-messages';

/** If the main view never reports (a failed read, say), the rest starts anyway after this long. */
export const FIRST_PAINT_FALLBACK_MS = 3000;

let done = false;
let reported = false;
let viewPainted = false;
const viewListeners = new Set<() => void>();
let fallback: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function finish(): void {
  if (done) return;
  done = true;
  clearTimeout(fallback);
  for (const listener of [...listeners]) listener();
  listeners.clear();
}

/** Runs `callback` once the frame that shows the current DOM has been painted. */
function afterNextPaint(callback: () => void): void {
  // rAF runs just before the frame is painted; a task queued from it runs just after.
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      callback();
    };
    channel.port2.postMessage(undefined);
  });
}

/**
 * The main view committed its first content: message rows (`withMessages`),
 * or an empty, missing or new conversation. Marks the first message once it
 * is painted, then lets the deferred work start. Later calls do nothing.
 */
export function reportMainViewCommitted(withMessages: boolean): void {
  if (reported) return;
  reported = true;
  afterNextPaint(() => {
    viewPainted = true;
    for (const listener of [...viewListeners]) listener();
    viewListeners.clear();
    if (withMessages) {
      performance.mark(APP_MESSAGES_MARK);
      if (performance.getEntriesByName(FIRST_MESSAGE_MARK).length === 0) performance.mark(FIRST_MESSAGE_MARK);
    }
    finish();
  });
}

/**
 * Calls `callback` once the main view has painted its first content (at
 * once if it has); unlike afterFirstPaint, never on the fallback.
 */
export function whenMainViewPainted(callback: () => void): void {
  if (viewPainted) callback();
  else viewListeners.add(callback);
}

/** True once the main view has painted (or the fallback ran out). */
export function isFirstPaintDone(): boolean {
  return done;
}

/** Calls `callback` once the main view has painted (at once if it has). */
export function afterFirstPaint(callback: () => void): void {
  if (done) {
    callback();
    return;
  }
  listeners.add(callback);
  fallback ??= setTimeout(finish, FIRST_PAINT_FALLBACK_MS);
}

function subscribe(listener: () => void): () => void {
  afterFirstPaint(listener);
  return () => listeners.delete(listener);
}

export function useFirstPaintDone(): boolean {
  return useSyncExternalStore(subscribe, isFirstPaintDone, isFirstPaintDone);
}

/** For tests: back to a page that has painted nothing yet. */
export function resetFirstPaintForTests(): void {
  done = false;
  reported = false;
  viewPainted = false;
  viewListeners.clear();
  clearTimeout(fallback);
  fallback = undefined;
  listeners.clear();
}
