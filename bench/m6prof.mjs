// CPU profile of one Chatkeep import in the bench page (not part of the bench).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
const pageDir = join(import.meta.dirname, 'dist/page');
const profile = await mkdtemp(join(tmpdir(), 'm6p-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await context.newPage();
page.on('pageerror', (e) => console.error('[page]', e.message));
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
const which = process.argv[2] ?? 'chatkeep';
const n = Number(process.argv[3] ?? 30);
await page.evaluate(() => chatkeepBench.useSpec({ seed: 20260101, projectId: 'default', conversations: 1, meanMessages: 100, bigMessages: 10, anchor: Date.UTC(2026, 0, 1) }));
// Make the file once (exportConversations), keep it in the page.
await page.evaluate(async (n) => {
  const s = chatkeepStorage;
  const src = await s.IndexedDBAdapter.open({ dbName: 'src' });
  const spec = { seed: 20260101 + 7, projectId: 'default', conversations: n, meanMessages: 100, bigMessages: 0, anchor: Date.UTC(2026, 0, 1) };
  // Reuse the M6 path: one run of m6Import makes the same file; here we need the text, so export after importing.
  globalThis.__n = n;
}, n);
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const r = await page.evaluate((n) => chatkeepBench.m6ImportChatGpt(2, n), n);
const { profile: prof } = await cdp.send('Profiler.stop');
console.log(JSON.stringify({ chatkeep: r.chatkeep.map(Math.round), dexie: r.dexie.map(Math.round), }));
// Self time per function.
const self = new Map();
const dt = prof.timeDeltas; const samples = prof.samples;
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
for (let i = 0; i < samples.length; i++) {
  const node = byId.get(samples[i]);
  const f = node.callFrame;
  const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 1000).toFixed(0).padStart(7), 'ms', (100 * v / total).toFixed(1).padStart(5), '%', k);
await writeFile('/tmp/m6.cpuprofile', JSON.stringify(prof));
await context.close();
