// Quick M6 loop (not part of the bench): the same import file as the full
// figure, without loading the big dataset first.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
const pageDir = join(import.meta.dirname, 'dist/page');
const profile = await mkdtemp(join(tmpdir(), 'm6q-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await context.newPage();
page.on('pageerror', (e) => console.error('[page]', e.message));
page.on('console', (m) => m.type() === 'error' && console.error('[page]', m.text()));
const server = 'http://bench.localhost:9';
await page.route(`${server}/__bench/**`, async (route) => {
  const path = new URL(route.request().url()).pathname.replace(/^\/__bench\/?/, '') || 'index.html';
  const file = normalize(join(pageDir, path));
  try {
    const t = { '.html': 'text/html', '.js': 'text/javascript' }[extname(file)] ?? 'application/octet-stream';
    await route.fulfill({ status: 200, body: await readFile(file), contentType: t });
  } catch { await route.fulfill({ status: 404 }); }
});
await page.goto(`${server}/__bench/index.html`);
await page.waitForFunction(() => 'chatkeepBench' in globalThis);
const fn = process.argv[2] ?? 'm6Import';
const runs = Number(process.argv[3] ?? 3);
const count = Number(process.argv[4] ?? 100);
await page.evaluate(() => chatkeepBench.load({ seed: 20260101, projectId: 'default', conversations: 1, meanMessages: 100, bigMessages: 10, anchor: Date.UTC(2026, 0, 1) }));
const r = await page.evaluate(([f, n, c]) => chatkeepBench[f](n, c), [fn, runs, count]);
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(JSON.stringify({ messages: r.messages, chatkeep: r.chatkeep.map(Math.round), dexie: r.dexie.map(Math.round), ratio: (med(r.chatkeep) / med(r.dexie)).toFixed(2) }));
await context.close();
