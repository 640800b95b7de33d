// Figures of the real app served by the sync server: M2 cold start to the
// first message painted, and M7 the JS heap with the long conversation open
// and scrolled all the way up.
import type { BrowserContext, Page } from 'playwright-core';
import { launch } from './browser.js';

const FIRST_MESSAGE_MARK = 'chatkeep:first-message';

/**
 * Fallback when the app sets no mark: the frame after the first message row
 * enters the DOM. Installed before any script of the page runs.
 */
function observeFirstRow(): void {
  const w = window as unknown as { __benchFirstRow?: number };
  const observer = new MutationObserver(() => {
    if (w.__benchFirstRow !== undefined || !document.querySelector('.message-row')) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      w.__benchFirstRow = performance.now();
    });
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function firstMessageTime(
  page: Page,
  mark = FIRST_MESSAGE_MARK,
): Promise<{ ms: number; source: 'mark' | 'dom' }> {
  const handle = await page.waitForFunction(
    (name) => {
      const mark = performance.getEntriesByName(name)[0];
      if (mark) return { ms: mark.startTime, source: 'mark' as const };
      const row = (window as unknown as { __benchFirstRow?: number }).__benchFirstRow;
      // Give the mark a moment: it is set in the same frame or the next.
      if (row !== undefined && performance.now() - row > 500) return { ms: row, source: 'dom' as const };
      return false;
    },
    mark,
    { timeout: 60_000, polling: 50 },
  );
  return (await handle.jsonValue()) as { ms: number; source: 'mark' | 'dom' };
}

export interface ColdStartRuns {
  ms: number[];
  source: 'mark' | 'dom';
  /** From navigation to `StartTarget.ownViewMark` (the app's own view, after its first-paint snapshot), per run. */
  ownViewMs?: number[];
  /** Bytes of script (inline and files) fetched by the page before its first message was painted, per run. */
  scriptBytes?: number[];
}

export interface HeapFigure {
  usedMB: number;
  totalMB: number;
  /** Scroll steps until no older page was left (or the time cap). */
  scrollSteps: number;
  allLoaded: boolean;
  scrollSeconds: number;
}

/** Opens a freshly launched browser (same profile, so the data is on disk). */
async function openApp(profileDir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await launch(profileDir);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.addInitScript(observeFirstRow);
  return { context, page };
}

/** One page whose start `coldStarts` and `warmBrowserStarts` time, e.g. the app or the floor. */
export interface StartTarget {
  name: string;
  url: string;
  /** The performance mark set once the first message is painted. */
  mark: string;
  /** Pages that are not the app's must not be answered by the service worker the app registered. */
  bypassServiceWorker?: boolean;
  /**
   * The app paints the last view from a snapshot before its code runs, and
   * marks its own view with this later: timed too, and waited for before the
   * tab closes, with the snapshot for the next start written (a reader spends
   * more than a moment on the page).
   */
  ownViewMark?: string;
  snapshotKey?: string;
  /** The app as it starts without a snapshot: the key is removed before any script of the page runs. */
  withoutSnapshot?: boolean;
}

/**
 * Script the page had fetched when its first message was painted: files
 * (their decoded size, per Resource Timing) whose response ended before
 * `at`, and the page's inline scripts. An upper bound of the code parsed by
 * then (a file fetched is not always run yet).
 */
function scriptBytesBefore(at: number): number {
  const files = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .filter((r) => /\.m?js(?:$|\?)/.test(new URL(r.name).pathname) && r.responseEnd <= at)
    .reduce((sum, r) => sum + r.decodedBodySize, 0);
  const inline = [...document.querySelectorAll('script:not([src])')].reduce(
    (sum, el) => sum + new TextEncoder().encode(el.textContent ?? '').length,
    0,
  );
  return files + inline;
}

export type StartRuns = Record<string, ColdStartRuns>;

function emptyRuns(targets: StartTarget[]): StartRuns {
  return Object.fromEntries(targets.map((t) => [t.name, { ms: [], source: 'dom' as const }]));
}

async function timeStart(page: Page, target: StartTarget, into: ColdStartRuns, keep: boolean): Promise<void> {
  if (target.bypassServiceWorker) {
    // Playwright's `serviceWorkers: 'block'` only stops new registrations: the
    // worker the app registered in this profile would still answer the page.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
  }
  if (target.withoutSnapshot && target.snapshotKey) {
    await page.addInitScript((key) => localStorage.removeItem(key), target.snapshotKey);
  }
  await page.goto(target.url);
  const first = await firstMessageTime(page, target.mark);
  into.source = first.source;
  if (
    target.bypassServiceWorker &&
    (await page.evaluate(() => Boolean(navigator.serviceWorker?.controller)))
  ) {
    throw new Error(`${target.url} was answered by the app's service worker`);
  }
  if (keep) into.ms.push(first.ms);
  if (keep) {
    into.scriptBytes ??= [];
    into.scriptBytes.push(await page.evaluate(scriptBytesBefore, first.ms));
  }
  if (target.ownViewMark) {
    // The mark only: the snapshot's rows would satisfy the DOM fallback.
    const own = await page.waitForFunction(
      (name) => performance.getEntriesByName(name)[0]?.startTime ?? false,
      target.ownViewMark,
      { timeout: 60_000, polling: 50 },
    );
    if (keep) {
      into.ownViewMs ??= [];
      into.ownViewMs.push((await own.jsonValue()) as number);
    }
    // The snapshot is written a quiet second after the app's view has settled.
    const key = target.snapshotKey;
    if (key) {
      await page.waitForFunction((k) => localStorage.getItem(k) !== null, key, {
        timeout: 60_000,
        polling: 100,
      });
    }
  }
}

/** The targets in the order of this round: each goes first in turn, so none always follows the same page. */
function inTurn(targets: StartTarget[], round: number): StartTarget[] {
  const first = round % targets.length;
  return [...targets.slice(first), ...targets.slice(0, first)];
}

/**
 * Each run navigates a freshly launched browser (same profile, so the data is
 * on disk) to one target. The targets take turns after one warm-up round,
 * each round led by the next one (app, floor; floor, app; ...), so that none
 * gains from coming later, when the storage engine has settled after the
 * previous launches.
 */
export async function coldStarts(
  profileDir: string,
  targets: StartTarget[],
  runs: number,
): Promise<StartRuns> {
  const result = emptyRuns(targets);
  for (let round = 0; round <= runs; round++) {
    for (const target of inTurn(targets, round)) {
      const { context, page } = await openApp(profileDir);
      try {
        await timeStart(page, target, result[target.name]!, round > 0);
      } finally {
        await context.close();
      }
    }
  }
  return result;
}

/**
 * Chromium keeps an origin's IndexedDB open for a moment after its last
 * connection closes; past this, a new tab opens it from disk again.
 */
export const BACKING_STORE_CLOSED_MS = 4000;

/**
 * A reader's everyday start: a new tab in a browser that is already running,
 * with no tab of the origin open for `BACKING_STORE_CLOSED_MS`. One browser
 * for every run; the targets take turns after one warm-up round (the first
 * tab of a freshly launched browser is a cold start).
 */
export async function warmBrowserStarts(
  profileDir: string,
  targets: StartTarget[],
  runs: number,
): Promise<StartRuns> {
  const result = emptyRuns(targets);
  const context = await launch(profileDir);
  try {
    // A blank tab keeps the browser running between the timed tabs.
    if (context.pages().length === 0) await context.newPage();
    for (let round = 0; round <= runs; round++) {
      for (const target of inTurn(targets, round)) {
        await new Promise((resolve) => setTimeout(resolve, BACKING_STORE_CLOSED_MS));
        const page = await context.newPage();
        try {
          await page.addInitScript(observeFirstRow);
          await timeStart(page, target, result[target.name]!, round > 0);
        } finally {
          await page.close();
        }
      }
    }
  } finally {
    await context.close();
  }
  return result;
}

/** Scrolls the long conversation up until every page is loaded (or `capMs`), then reads the heap after GC. */
export async function heapScrolled(profileDir: string, server: string, capMs: number): Promise<HeapFigure> {
  const { context, page } = await openApp(profileDir);
  try {
    await page.goto(`${server}/`);
    await firstMessageTime(page);
    const scroller = page.getByTestId('message-scroll');
    const t = Date.now();
    let steps = 0;
    let quiet = 0;
    let lastHeight = -1;
    while (Date.now() - t < capMs) {
      await scroller.evaluate((el) => {
        el.scrollTop = 0;
      });
      steps += 1;
      await page.waitForTimeout(60);
      // Looked for by class inside the scroller: a page-wide text search walks the whole DOM (the
      // sidebar's thousand conversations) at every poll, and took a fifth of the page's time.
      await scroller
        .locator('.loading-older', { hasText: 'Loading earlier messages…' })
        .waitFor({ state: 'detached', timeout: 30_000 });
      const height = await scroller.evaluate((el) => el.scrollHeight);
      // Nothing older arrived three times in a row: the top is reached.
      quiet = height === lastHeight ? quiet + 1 : 0;
      lastHeight = height;
      if (quiet >= 3) break;
    }
    const scrollSeconds = (Date.now() - t) / 1000;
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    return {
      usedMB: heap.usedSize / 2 ** 20,
      totalMB: heap.totalSize / 2 ** 20,
      scrollSteps: steps,
      allLoaded: quiet >= 3,
      scrollSeconds,
    };
  } finally {
    await context.close();
  }
}
