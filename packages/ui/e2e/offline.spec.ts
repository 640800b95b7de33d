import { expect, type Page, test } from '@playwright/test';
import { openApp, reload, send, waitForAnswerDone } from './helpers.js';

/** The first load happened before the worker controlled the page; one more load fills its cache. */
async function reloadUnderServiceWorker(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await reload(page);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
}

test('offline, the app keeps working and says so', async ({ page, context }) => {
  await openApp(page);
  await context.setOffline(true);
  await expect(page.getByRole('alert')).toContainText('works offline');
  await send(page, 'Are you there while offline?');
  await waitForAnswerDone(page);
  await expect(page.locator('article.message-assistant')).toContainText('demo assistant');

  await context.setOffline(false);
  await expect(page.getByRole('alert').filter({ hasText: 'works offline' })).toHaveCount(0);
});

test('once loaded, the app also starts offline, with its history', async ({ page, context }) => {
  await openApp(page);
  await send(page, 'Saved before going offline');
  await waitForAnswerDone(page);
  await reloadUnderServiceWorker(page);

  await context.setOffline(true);
  // The conversation's own address starts offline: the service worker answers it with the saved page.
  await expect(page).toHaveURL(/\/c\/[^/]+$/);
  await reload(page);
  await expect(page.getByRole('alert')).toContainText('works offline');
  await expect(page.locator('article.message-user')).toContainText('Saved before going offline');
  await page.goto('/p/default');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
});

test('started offline, the parts loaded on demand still open: settings, shortcuts, search', async ({
  page,
  context,
}) => {
  await openApp(page);
  await send(page, 'A kestrel hovers over the field');
  await waitForAnswerDone(page);
  await reloadUnderServiceWorker(page);

  // None of these was opened online: their code must come from the worker's cache.
  await context.setOffline(true);
  await reload(page);
  await expect(page.getByRole('alert')).toContainText('works offline');
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('heading', { name: 'Sync' })).toBeVisible();
  await settings.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('New chat');
  await page.keyboard.press('Escape');
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('kestrel');
  const matches = page.getByRole('region', { name: 'Message matches' }).getByRole('button');
  await expect(matches.filter({ hasText: 'kestrel' }).first()).toBeVisible();
});

test("a new version's page replaces the cached files: the old version's are dropped, the new one's kept", async ({
  page,
}) => {
  await openApp(page);
  await reloadUnderServiceWorker(page);
  const cached = () =>
    page.evaluate(async () => {
      const cache = await caches.open('chatkeep-shell-v1');
      return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
    });
  const built: string[] = await page.evaluate(() => fetch('/shell-files.json').then((r) => r.json()));
  await expect.poll(cached).toEqual(expect.arrayContaining(['/', ...built]));
  const current = await cached();
  // What an earlier version left: its page (unlike the one served now) and a chunk of it.
  await page.evaluate(async () => {
    const cache = await caches.open('chatkeep-shell-v1');
    await cache.put('/', new Response('<!doctype html><p>an earlier version</p>'));
    await cache.put('/assets/earlier-version.js', new Response('// gone from the server'));
  });
  await reload(page);
  await expect.poll(cached).toEqual(current);
});

test('on a narrow screen the sync state stays in view while the sidebar is slid away', async ({ page }) => {
  await page.setViewportSize({ width: 400, height: 800 });
  await openApp(page);
  await expect(page.getByRole('status', { name: 'Sync status' })).not.toBeInViewport();
  const badge = page.locator('header.chat-header .sync-badge');
  await expect(badge).toBeInViewport();
  await expect(badge).toHaveText('Sync off');

  await page.getByRole('button', { name: 'Show conversations' }).click();
  await expect(page.getByRole('status', { name: 'Sync status' })).toBeInViewport();
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(badge).toBeHidden();
});
