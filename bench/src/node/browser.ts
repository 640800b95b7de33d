// Real headless Chromium with a profile on disk (IndexedDB in an incognito
// context lives in memory, which would flatter every figure). The bench page
// is served under /__bench/ on the sync server's origin, so it shares the
// app's IndexedDB and talks to the server without CORS.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../tools/chromium.js';

export function launch(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

/** Serves the built bench pages (bench/dist/page) under `<server>/__bench/`, on the app's origin. */
export async function serveBenchPages(page: Page, server: string, pageDir: string): Promise<void> {
  page.on('console', (message) => {
    if (message.type() === 'error') process.stderr.write(`[bench page] ${message.text()}\n`);
  });
  page.on('pageerror', (error) => process.stderr.write(`[bench page] ${error.message}\n`));
  await page.route(`${server}/__bench/**`, async (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/__bench\/?/, '') || 'index.html';
    const file = normalize(join(pageDir, path));
    if (!file.startsWith(pageDir)) return route.fulfill({ status: 404 });
    try {
      const body = await readFile(file);
      await route.fulfill({
        status: 200,
        body,
        contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

/** Opens the bench page that drives the figures, at `<server>/__bench/`. */
export async function openBenchPage(context: BrowserContext, server: string, pageDir: string): Promise<Page> {
  const page = await context.newPage();
  await serveBenchPages(page, server, pageDir);
  await page.goto(`${server}/__bench/index.html`);
  await page.waitForFunction(() => 'chatkeepBench' in globalThis, undefined, { timeout: 30_000 });
  return page;
}
