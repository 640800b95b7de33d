import { expect, test } from '@playwright/test';
import { conversations, openApp, reload } from './helpers.js';
import {
  authenticate,
  chat,
  item,
  newDevice,
  openSettings,
  syncNow,
  syncStatus,
  uniqueUser,
} from './sync-helpers.js';

// Two devices, each chatting with the demo assistant: slower than one page.
test.describe.configure({ timeout: 60_000 });

const DAY = 24 * 60 * 60 * 1000;

test('auto-archive moves conversations untouched for N days to Archived, keeps recent and pinned ones, and is remembered', async ({
  page,
}) => {
  const now = Date.now();
  // Written 40 days ago, by the page's own clock.
  await page.clock.setFixedTime(now - 40 * DAY);
  await openApp(page);
  await chat(page, 'Ancient question');
  await chat(page, 'Ancient but pinned');
  await conversations(page).getByRole('button', { name: 'Actions for Ancient but pinned' }).click();
  await page.getByRole('menuitem', { name: 'Pin' }).click();
  await page.clock.setFixedTime(now);
  await chat(page, 'Fresh question');

  const dialog = await openSettings(page);
  const days = dialog.getByLabel(/Archive conversations untouched/);
  await expect(days).toHaveValue('0');
  await days.fill('30');
  await dialog.getByRole('button', { name: 'Save' }).click();

  await expect(item(page, 'Ancient question')).toHaveCount(0);
  await expect(item(page, 'Ancient but pinned')).toBeVisible();
  await expect(item(page, 'Fresh question')).toBeVisible();
  await page.getByRole('button', { name: /^Archived/ }).click();
  await expect(item(page, 'Ancient question')).toBeVisible();

  await reload(page);
  const again = await openSettings(page);
  await expect(again.getByLabel(/Archive conversations untouched/)).toHaveValue('30');
  await again.getByLabel(/Archive conversations untouched/).fill('2.5');
  await again.getByRole('button', { name: 'Save' }).click();
  await expect(again.getByRole('alert')).toContainText('whole number of days');
});

test('settings show storage usage; clear all asks first, then empties only this browser', async ({
  page,
  browser,
}) => {
  const user = uniqueUser('clear');
  await openApp(page);
  await chat(page, 'Keep me on the server');
  await chat(page, 'Me too');
  await authenticate(page, 'Sign up', user);
  const other = await newDevice(browser);
  await authenticate(other, 'Sign in', user);
  await expect(item(other, 'Me too')).toBeVisible();

  let dialog = await openSettings(page);
  await expect(dialog.getByRole('region', { name: 'Storage' })).toContainText(/used/);
  await expect(dialog.getByRole('region', { name: 'Storage' })).toContainText(/persistent/);
  await dialog.getByRole('button', { name: 'Clear all conversations' }).click();
  let confirm = page.getByRole('dialog', { name: 'Clear all conversations?' });
  await expect(confirm).toContainText('2 conversations (4 messages)');
  await expect(confirm).toContainText('Copies on the sync server are not deleted');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(item(page, 'Me too')).toBeVisible();

  dialog = await openSettings(page);
  await dialog.getByRole('button', { name: 'Clear all conversations' }).click();
  confirm = page.getByRole('dialog', { name: 'Clear all conversations?' });
  await confirm.getByRole('button', { name: 'Clear this browser' }).click();

  await expect(page.getByRole('status', { name: 'Cleared notice' })).toContainText(
    'Cleared 2 conversations (4 messages) from this browser only',
  );
  await expect(conversations(page)).toContainText('No conversations yet.');
  await expect(syncStatus(page)).toContainText('Sync off');

  // The other device and the server keep everything.
  await syncNow(other);
  await expect(item(other, 'Keep me on the server')).toBeVisible();
  await expect(item(other, 'Me too')).toBeVisible();

  // Signing in again brings the server's copies back.
  await authenticate(page, 'Sign in', user);
  await expect(item(page, 'Keep me on the server')).toBeVisible();
  await other.context().close();
});
