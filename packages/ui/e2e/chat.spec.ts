import { expect, test } from '@playwright/test';
import { conversations, openApp, send, waitForAnswerDone } from './helpers.js';

test('a sent message and its streamed answer survive a reload', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText(/Sync off/);
  await send(page, 'What is 12 * (7 + 5)?');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await waitForAnswerDone(page);
  await expect(page.getByText('= 144')).toBeVisible();
  await expect(page.getByText('Tool call: calculator')).toBeVisible();
  await expect(
    conversations(page).getByRole('button', { name: 'What is 12 * (7 + 5)?', exact: true }),
  ).toBeVisible();
  await expect(conversations(page).getByRole('heading', { name: 'Today' })).toBeVisible();

  await page.reload();
  await expect(page.getByText('What is 12 * (7 + 5)?', { exact: true }).first()).toBeVisible();
  await expect(page.getByText('= 144')).toBeVisible();
  await expect(page.getByText('Tool result: calculator')).toBeVisible();
});
