import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, expect, test } from '@playwright/test';
import { conversations } from './helpers.js';
import { authenticate, chat, openSettings, uniqueUser } from './sync-helpers.js';

// Share links through a sync server of this file's own, so that its request
// log (stderr, one line per request) can be read: a link opens in a fresh
// browser with no account, imports, stops working once revoked, and its key
// (the fragment) never reaches the server.

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

let server: ChildProcess;
let baseURL: string;
let dataDir: string;
const log: string[] = [];

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'chatkeep-share-e2e-'));
  server = spawn(process.execPath, ['../sync-server/dist/main.js'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      CHATKEEP_DATA_DIR: dataDir,
      CHATKEEP_SIGNUP: 'open',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr!.on('data', (d) => log.push(...String(d).split('\n')));
  baseURL = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (d) => {
      const m = /Chatkeep listening on (http:\/\/\S+)/.exec(String(d));
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) =>
      reject(new Error(`the sync server exited with ${code}: ${log.join('\n')}`)),
    );
  });
});

test.afterAll(() => {
  server?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Everything a context sends: each request's URL, headers and body. */
function recordRequests(context: BrowserContext): string[] {
  const sent: string[] = [];
  context.on('request', (request) => {
    sent.push(`${request.url()} ${JSON.stringify(request.headers())} ${request.postData() ?? ''}`);
  });
  return sent;
}

test('a share link opens with no account, imports, and is withdrawn once revoked; the key never reaches the server', async ({
  browser,
}) => {
  test.setTimeout(120_000); // a sign-up, a chat, a share, three page loads and a revocation
  const owner = await browser.newContext({ baseURL });
  const ownerSent = recordRequests(owner);
  const page = await owner.newPage();
  await page.goto('/');
  await authenticate(page, 'Sign up', uniqueUser('sharer'));
  await chat(page, 'What is 12 * (7 + 5)?');

  await conversations(page).getByRole('button', { name: 'Actions for What is 12 * (7 + 5)?' }).click();
  await page.getByRole('menuitem', { name: 'Share link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share link' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const linkBox = dialog.getByRole('textbox', { name: /Link to/ });
  await expect(linkBox).toHaveValue(/\/s\//);
  const link = await linkBox.inputValue();
  const [, id, key] = /\/s\/([A-Za-z0-9_-]{22})#([A-Za-z0-9_-]{43})$/.exec(link) ?? [];
  expect(link.startsWith(`${baseURL}/s/`), link).toBe(true);
  expect(key, link).toBeDefined();
  await dialog.getByRole('button', { name: 'Done' }).click();

  // A fresh browser, no account: the page decrypts and renders it like the app.
  const reader = await browser.newContext();
  const readerSent = recordRequests(reader);
  await reader.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations!.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  const shared = await reader.newPage();
  const response = await shared.goto(link);
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
  await expect(shared.getByRole('heading', { level: 1, name: 'What is 12 * (7 + 5)?' })).toBeVisible();
  await expect(shared.getByRole('article', { name: 'You message' })).toContainText('What is 12 * (7 + 5)?');
  await expect(shared.getByText('Tool call: calculator')).toBeVisible();
  await expect(shared.getByText('= 144')).toBeVisible();
  // The app itself never loaded: no message box, no sync. (A missing or wrong key: load-share.test.ts.)
  await expect(shared.getByRole('textbox', { name: 'Message' })).toHaveCount(0);

  expect(await shared.evaluate(() => window.cspViolations)).toEqual([]);

  // Import into Chatkeep: the copy opens in the app of this browser.
  await shared.getByRole('button', { name: 'Import into Chatkeep' }).click();
  await expect(shared).toHaveURL(/\/c\//);
  await expect(shared.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(
    conversations(shared).getByRole('button', { name: 'What is 12 * (7 + 5)?', exact: true }),
  ).toBeVisible();
  await expect(shared.getByText('= 144')).toBeVisible();

  // The owner revokes it in Settings; the link then says it was withdrawn.
  const settings = await openSettings(page);
  const links = settings.getByRole('region', { name: 'Shared links' });
  await links.getByRole('button', { name: 'Revoke “What is 12 * (7 + 5)?”' }).click();
  await expect(links.getByText('Revoked', { exact: true })).toBeVisible();
  const again = await reader.newPage();
  await again.goto(link);
  await expect(again.getByRole('heading', { name: 'This link was withdrawn' })).toBeVisible();
  await expect(again.getByRole('alert')).toContainText('withdrawn by the person who shared it');

  // The server saw the page and the ciphertext asked for, and never the key.
  await expect.poll(() => log.some((line) => line.startsWith(`GET /v1/shares/${id} 410`))).toBe(true);
  // At least the two page loads (the app's service worker, once installed, may preload a navigation).
  expect(log.filter((line) => line.startsWith(`GET /s/${id} 200`)).length).toBeGreaterThanOrEqual(2);
  expect(log.some((line) => line.startsWith(`GET /v1/shares/${id} 200`))).toBe(true);
  expect(log.some((line) => line.startsWith('POST /v1/shares 201'))).toBe(true);
  expect(log.filter((line) => line.includes(key!))).toEqual([]);
  // Nor did any request of either browser carry it, in its address, headers or body.
  expect([...ownerSent, ...readerSent].filter((sent) => sent.includes(key!))).toEqual([]);
  expect(readerSent.some((sent) => sent.includes(`/v1/shares/${id}`))).toBe(true);
  await owner.close();
  await reader.close();
});
