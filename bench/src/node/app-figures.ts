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
async function openApp(
  profileDir: string,
  opts: { blockServiceWorkers?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await launch(profileDir, opts);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.addInitScript(observeFirstRow);
  return { context, page };
}

/** A page other than the app for `coldStart`: how it is served and the mark it sets when painted. */
export interface OtherPage {
  prepare: (page: Page) => Promise<void>;
  mark: string;
}

/**
 * Navigates a freshly launched browser to `url` (the app, or `other` page)
 * and times the first message painted.
 */
export async function coldStart(
  profileDir: string,
  url: string,
  runs: number,
  other?: OtherPage,
): Promise<ColdStartRuns> {
  const ms: number[] = [];
  let source: 'mark' | 'dom' = 'dom';
  for (let run = 0; run <= runs; run++) {
    const { context, page } = await openApp(profileDir, { blockServiceWorkers: Boolean(other) });
    try {
      await other?.prepare(page);
      await page.goto(url);
      const first = await firstMessageTime(page, other?.mark);
      source = first.source;
      if (run > 0) ms.push(first.ms);
    } finally {
      await context.close();
    }
  }
  return { ms, source };
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
      await page.getByText('Loading earlier messages…').waitFor({ state: 'detached', timeout: 30_000 });
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
