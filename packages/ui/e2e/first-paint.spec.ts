// The first-paint snapshot (src/first-paint/): the last view of the open
// conversation is painted by a small classic script before the app's code
// runs, then the app's own view replaces it without moving anything, under
// the server's CSP; it never shows another conversation, content edited
// elsewhere, or anything after sign-out or "Clear all conversations".
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { openApp, send, waitForAnswerDone } from './helpers.js';
import { authenticate, openSettings, signOut, uniqueUser } from './sync-helpers.js';

// Demo answers, reloads and a second tab: more than the default budget on a busy machine.
test.describe.configure({ timeout: 90_000 });

interface Probe {
  /** The painted snapshot as first inserted: its text, and how many of the app's own rows existed then. */
  painted?: { text: string; messages: string[]; appRows: number; background: string; at: number };
  /** Where the snapshot showed each message's text (viewport top/left), read in the frame it was painted. */
  positions: Record<string, { top: number; left: number }>;
  removedAt?: number;
  layoutShift: number;
  shifts: { value: number; sources: string[] }[];
  violations: string[];
}

declare global {
  interface Window {
    firstPaintProbe: Probe;
  }
}

/** Watches every page of the context from before its first script: the snapshot, layout shifts, CSP violations. */
async function installProbe(context: BrowserContext) {
  await context.addInitScript(() => {
    const probe: Probe = { positions: {}, layoutShift: 0, shifts: [], violations: [] };
    window.firstPaintProbe = probe;
    document.addEventListener('securitypolicyviolation', (event) => {
      probe.violations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
        sources?: { node?: Node }[];
      })[]) {
        if (entry.hadRecentInput) continue;
        probe.layoutShift += entry.value;
        probe.shifts.push({
          value: entry.value,
          sources: (entry.sources ?? []).map((s) => (s.node as Element | undefined)?.className ?? '?'),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
    const observer = new MutationObserver(() => {
      const overlay = document.getElementById('first-paint');
      if (overlay && !probe.painted) {
        probe.painted = {
          text: overlay.textContent ?? '',
          messages: [...overlay.querySelectorAll('.message-text')].map((el) => el.textContent ?? ''),
          appRows: document.querySelectorAll('#root .message-row').length,
          background: getComputedStyle(overlay).backgroundColor,
          at: performance.now(),
        };
        requestAnimationFrame(() => {
          for (const el of overlay.querySelectorAll('.message-text')) {
            const r = el.getBoundingClientRect();
            probe.positions[el.textContent ?? ''] = { top: r.top, left: r.left };
          }
        });
      }
      if (probe.painted && !overlay && probe.removedAt === undefined) probe.removedAt = performance.now();
    });
    observer.observe(document, { childList: true, subtree: true });
  });
}

const probe = (page: Page) => page.evaluate(() => window.firstPaintProbe);
const snapshotText = (page: Page) => page.evaluate(() => localStorage.getItem('chatkeep-first-paint') ?? '');
const userText = (page: Page) => page.locator('#root article.message-user .message-text');

/** Waits until the stored snapshot holds `text` (it is written a quiet second after the view changes). */
async function snapshotHolds(page: Page, text: string) {
  await expect.poll(() => snapshotText(page), { timeout: 15_000 }).toContain(text);
}

/** Reloads and waits until the app's own view has replaced the snapshot. */
async function reloadUntilTakenOver(page: Page) {
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(page.locator('#first-paint')).toHaveCount(0, { timeout: 15_000 });
}

test.beforeEach(async ({ context }) => installProbe(context));

test('the last view is painted before the app runs, then the app takes over without a shift or a CSP violation', async ({
  page,
}) => {
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy'] ?? '').toMatch(/script-src 'self'/);
  await send(page, 'Plan a trip to Lisbon');
  await waitForAnswerDone(page);
  await snapshotHolds(page, 'Plan a trip to Lisbon');

  await reloadUntilTakenOver(page);
  const seen = await probe(page);
  expect(seen.painted?.text).toContain('Plan a trip to Lisbon');
  // Painted while the app's root held none of its own rows: before the app's code had run.
  expect(seen.painted?.appRows).toBe(0);
  const marks = await page.evaluate(() => ({
    first: performance.getEntriesByName('chatkeep:first-message')[0]?.startTime,
    app: performance.getEntriesByName('chatkeep:app-messages')[0]?.startTime,
  }));
  expect(marks.first).toBeDefined();
  expect(marks.app).toBeDefined();
  expect(marks.first!).toBeLessThan(marks.app!);
  expect(seen.removedAt).toBeGreaterThan(seen.painted!.at);

  // The app's view shows the same text where the snapshot showed it.
  const before = seen.positions['Plan a trip to Lisbon'];
  expect(before).toBeDefined();
  const after = await userText(page).first().boundingBox();
  expect(Math.abs(after!.y - before!.top)).toBeLessThanOrEqual(2);
  expect(Math.abs(after!.x - before!.left)).toBeLessThanOrEqual(2);
  await page.waitForTimeout(500);
  const settled = await probe(page);
  test.info().annotations.push({ type: 'CLS', description: settled.layoutShift.toFixed(4) });
  expect(settled.layoutShift, JSON.stringify(settled.shifts)).toBeLessThanOrEqual(0.02);
  expect(settled.violations).toEqual([]);
});

test('the snapshot follows the theme chosen in Settings', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page);
  await send(page, 'What is 12 * (7 + 5)?');
  await waitForAnswerDone(page);
  const settings = await openSettings(page);
  await settings.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'Dark' }).check();
  await settings.getByRole('button', { name: 'Close' }).click();
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await snapshotHolds(page, '12 * (7 + 5)');

  await reloadUntilTakenOver(page);
  const seen = await probe(page);
  expect(seen.painted?.text).toContain('12 * (7 + 5)');
  expect(seen.painted?.background).toBe(dark);
  expect(dark).not.toBe('rgb(255, 255, 255)');
});

test('a link to another conversation or a new chat never shows the last conversation’s snapshot', async ({
  page,
}) => {
  await openApp(page);
  await send(page, 'First conversation here');
  await waitForAnswerDone(page);
  const first = page.url();
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, 'Second conversation here');
  await waitForAnswerDone(page);
  await snapshotHolds(page, 'Second conversation here');

  await page.goto(first);
  await expect(userText(page)).toHaveText('First conversation here');
  expect((await probe(page)).painted).toBeUndefined();

  await page.goto('/p/default');
  await expect(page.getByRole('heading', { name: 'Start a conversation' })).toBeVisible();
  expect((await probe(page)).painted).toBeUndefined();
});

test('a message edited in another tab is never shown in its old form after a start', async ({
  context,
  page,
}) => {
  await openApp(page);
  await send(page, 'Plan a trip to Lisbon');
  await waitForAnswerDone(page);
  await snapshotHolds(page, 'Plan a trip to Lisbon');
  const url = page.url();

  // Another tab edits the question; this tab stays open on the conversation meanwhile.
  const other = await context.newPage();
  await other.goto(url);
  await other.locator('article.message-user').getByRole('button', { name: 'Edit message' }).click();
  await other.getByRole('textbox', { name: 'Edited message' }).fill('Plan a trip to Porto');
  await other.getByRole('button', { name: 'Save and send' }).click();
  await waitForAnswerDone(other);
  await other.close();

  // This tab is left (it writes the snapshot of what it shows as it goes), then started again.
  await reloadUntilTakenOver(page);
  const seen = await probe(page);
  // The conversation keeps its title ("Plan a trip to Lisbon"); the question must not.
  expect(seen.painted?.messages ?? []).not.toContain('Plan a trip to Lisbon');
  await expect(userText(page)).toHaveText('Plan a trip to Porto');

  // And once more, now that the snapshot was taken from the edited view.
  await snapshotHolds(page, 'Plan a trip to Porto');
  await reloadUntilTakenOver(page);
  expect((await probe(page)).painted?.messages).toContain('Plan a trip to Porto');
  expect((await probe(page)).painted?.messages).not.toContain('Plan a trip to Lisbon');
  await expect(userText(page)).toHaveText('Plan a trip to Porto');
});

test('sign-out and "Clear all conversations" take the snapshot away', async ({ page }) => {
  await openApp(page);
  await send(page, 'Something private');
  await waitForAnswerDone(page);
  await authenticate(page, 'Sign up', uniqueUser('first-paint'));
  await snapshotHolds(page, 'Something private');
  await signOut(page);
  expect(await snapshotText(page)).toBe('');
  // Leaving the page does not write it again.
  await reloadUntilTakenOver(page);
  expect((await probe(page)).painted).toBeUndefined();

  await snapshotHolds(page, 'Something private');
  const dialog = await openSettings(page);
  await dialog.getByRole('button', { name: 'Clear all conversations' }).click();
  await page
    .getByRole('dialog', { name: 'Clear all conversations?' })
    .getByRole('button', { name: 'Clear this browser' })
    .click();
  await expect(page.getByRole('status', { name: 'Cleared notice' })).toBeVisible();
  expect((await probe(page)).painted).toBeUndefined();
  expect(await snapshotText(page)).toBe('');
});
