import { expect, type Page, test } from '@playwright/test';
import { reload, send, waitForAnswerDone } from './helpers.js';
import { authenticate, openSettings, uniqueUser } from './sync-helpers.js';

// The built app as the sync server serves it, under the server's
// Content-Security-Policy: nothing it does may be refused by the policy.

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

/** Every securitypolicyviolation the pages report, recorded from before their first script. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.context().addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations!.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  const console: string[] = [];
  page.on('console', (message) => {
    if (/content security policy|refused to/i.test(message.text())) console.push(message.text());
  });
  return async () => [...((await page.evaluate(() => window.cspViolations)) ?? []), ...console];
}

test('the app served by the sync server runs under its CSP with no violation reported', async ({ page }) => {
  test.setTimeout(90_000); // a chat, a sign-up and a reload, one after the other
  const violations = await watchViolations(page);

  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  // Without the sync server (vite preview) there is no policy to pass: fail, do not pass vacuously.
  expect(csp, 'the page must be served with a Content-Security-Policy (build the sync server)').toMatch(
    /script-src 'self' 'sha256-[\w+/=]+'/,
  );
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();

  await send(page, 'What is 12 * (7 + 5)?');
  await waitForAnswerDone(page);
  await expect(page.getByText('= 144')).toBeVisible();
  // Tables, code blocks with their copy button, and an image in an answer from another origin
  // (a closed port: it fails at once, where an unknown name could keep the page loading).
  await send(page, 'Show me some markdown');
  await waitForAnswerDone(page);
  await expect(page.locator('article.message-assistant').last().getByRole('table')).toBeVisible();
  await send(page, '![a picture](http://127.0.0.1:9/picture.png)');
  await waitForAnswerDone(page);
  await expect(page.locator('article.message-assistant').last().getByRole('img')).toHaveCount(1);

  // Parts loaded on demand (settings chunk and its styles) and a sync round trip.
  await authenticate(page, 'Sign up', uniqueUser('csp'));
  const settings = await openSettings(page);
  await expect(settings.getByRole('heading', { name: 'Sync' })).toBeVisible();
  await settings.getByRole('button', { name: 'Close' }).click();

  // Once the service worker controls the page, it serves the page it saved, with its policy.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await reload(page);
  await expect(page.getByText('= 144')).toBeVisible();

  expect(await violations()).toEqual([]);
});
