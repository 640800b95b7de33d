import { expect, type Page, test } from '@playwright/test';
import { reload } from './helpers.js';
import { authenticate, item, newDevice, syncStatus, uniqueUser } from './sync-helpers.js';

// Two devices, a message over the record limit of the test server
// (CHATKEEP_MAX_RECORD_BYTES, 256 KiB in playwright.config.ts).
test.describe.configure({ timeout: 120_000 });
const SLOW = { timeout: 30_000 };

const TITLE = 'Please summarise this log';
/** About 340 KB of JSON once stored: more than the 256 KiB a record may be on the test server. */
const OVERSIZE = `${TITLE}\n${'entry: the pump started and stopped again\n'.repeat(8_000)}`;

/**
 * Puts the text in the message box at once, as a paste does (typing 300 KB
 * through fill() takes a while), then sends it.
 */
async function sendOversize(page: Page) {
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByRole('textbox', { name: 'Message' }).evaluate((box, text) => {
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
    setValue.call(box, text);
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }, OVERSIZE);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.locator('article.message-assistant')).toHaveAttribute('data-status', 'complete', SLOW);
  await expect(item(page, TITLE)).toBeVisible();
}

async function openRefusals(page: Page) {
  await page.getByRole('button', { name: 'Refused changes (1)' }).click();
  return page.getByRole('dialog', { name: 'Refused changes' });
}

test('an oversize message shows its refusal on A, with the reason and what to do, and a clear note on B', async ({
  page,
  browser,
}) => {
  const user = uniqueUser('refused');
  await page.goto('/');
  await authenticate(page, 'Sign up', user);
  await sendOversize(page);
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(syncStatus(page)).toContainText('1 change refused by the server', SLOW);

  const dialog = await openRefusals(page);
  const refused = dialog.getByRole('listitem', { name: `Refused: Your message in “${TITLE}”` });
  await expect(refused).toContainText(`“${TITLE} entry: the pump started`);
  await expect(refused).toContainText(/Why: too large: 3\d\d KB, this server takes up to 256 KB\./);
  for (const name of ['Shorten', 'Keep on this device only', 'Retry']) {
    await expect(refused.getByRole('button', { name })).toBeVisible();
  }

  // The other device gets the answer, and says its question is missing instead of hiding it.
  const other = await newDevice(browser);
  await authenticate(other, 'Sign in', user);
  await item(other, TITLE).click();
  await expect(other.locator('article.message-assistant')).toHaveAttribute('data-status', 'complete', SLOW);
  await expect(other.locator('article.message-user')).toHaveCount(0);
  await expect(
    other.getByRole('note').filter({ hasText: 'The question to this answer was not synced to this device.' }),
  ).toBeVisible();

  // Kept here: marked so in the conversation, no longer counted as refused, never sent again.
  await refused.getByRole('button', { name: 'Keep on this device only' }).click();
  await expect(dialog.getByRole('listitem', { name: `Kept here: Your message in “${TITLE}”` })).toBeVisible(
    SLOW,
  );
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(
    page.locator('article.message-user').getByRole('note').filter({ hasText: 'Kept on this device only' }),
  ).toBeVisible(SLOW);
  await expect(syncStatus(page)).not.toContainText('refused');
  await expect(page.getByRole('button', { name: /Refused changes/ })).toHaveCount(0);

  // Across a reload too.
  await reload(page);
  await item(page, TITLE).click();
  await expect(
    page.locator('article.message-user').getByRole('note').filter({ hasText: 'Kept on this device only' }),
  ).toBeVisible(SLOW);
  await other.context().close();
});
