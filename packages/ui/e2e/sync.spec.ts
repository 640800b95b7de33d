import { expect, test } from '@playwright/test';
import { conversations, openApp, reload } from './helpers.js';
import {
  authenticate,
  chat,
  deleteConversation,
  item,
  newDevice,
  openSettings,
  renameConversation,
  signOut,
  syncNow,
  syncStatus,
  uniqueUser,
} from './sync-helpers.js';

// Two devices, each chatting with the demo assistant: slower than one page.
test.describe.configure({ timeout: 60_000 });

test('a second device that signs in gets the history; signing out stops syncing and keeps local data', async ({
  page,
  browser,
}) => {
  const user = uniqueUser('history');
  await openApp(page);
  await expect(syncStatus(page)).toContainText('Sync off');
  await chat(page, 'Plan the garden beds');
  await authenticate(page, 'Sign up', user);
  await expect(syncStatus(page)).toContainText('Last synced');

  const other = await newDevice(browser);
  await authenticate(other, 'Sign in', user);
  await expect(item(other, 'Plan the garden beds')).toBeVisible();
  await item(other, 'Plan the garden beds').click();
  await expect(other.locator('article.message-user')).toContainText('Plan the garden beds');
  await expect(other.locator('article.message-assistant')).toHaveAttribute('data-status', 'complete');

  await signOut(other);
  await expect(syncStatus(other)).toContainText('Signed out of sync');
  await chat(other, 'Written after signing out');
  await chat(page, 'Written on the first device later');
  await syncNow(page);

  await reload(other);
  await expect(syncStatus(other)).toContainText('Signed out of sync');
  // Local data stays: what was synced before and what was written since.
  await expect(item(other, 'Plan the garden beds')).toBeVisible();
  await expect(item(other, 'Written after signing out')).toBeVisible();
  await syncNow(page);
  await expect(item(page, 'Written after signing out')).toHaveCount(0);
  await expect(item(other, 'Written on the first device later')).toHaveCount(0);
  await other.context().close();
});

test('offline edits and deletes reach the other device; a conversation edited on both ends the same, with the losing edit kept as a conflict', async ({
  page,
  browser,
}) => {
  const user = uniqueUser('offline');
  await openApp(page);
  await chat(page, 'Trip notes');
  await chat(page, 'Old draft');
  await authenticate(page, 'Sign up', user);
  const other = await newDevice(browser);
  await authenticate(other, 'Sign in', user);
  await expect(item(other, 'Old draft')).toBeVisible();
  await expect(item(other, 'Trip notes')).toBeVisible();

  await page.context().setOffline(true);
  await other.context().setOffline(true);
  await expect(page.getByRole('alert').filter({ hasText: 'works offline' })).toContainText('sync');
  await expect(syncStatus(page)).toContainText('Offline');
  await renameConversation(page, 'Trip notes', 'Trip notes from laptop');
  await deleteConversation(page, 'Old draft');
  // Edited later on the other device: its edit is the newer one and wins.
  await renameConversation(other, 'Trip notes', 'Trip notes from phone');

  await other.context().setOffline(false);
  await syncNow(other);
  await page.context().setOffline(false);
  await syncNow(page);
  await syncNow(other);

  for (const device of [page, other]) {
    await expect(item(device, 'Trip notes from phone')).toBeVisible();
    await expect(item(device, 'Trip notes from laptop')).toHaveCount(0);
    await expect(item(device, 'Old draft')).toHaveCount(0);
  }
  await expect(other.getByRole('button', { name: /Conflicts/ })).toHaveCount(0);

  await page.getByRole('button', { name: 'Conflicts (1)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Conflicts' });
  await expect(dialog).toContainText('Your version: “Trip notes from laptop”');
  await expect(dialog).toContainText('Current version: “Trip notes from phone”');
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog).toContainText('No conflicts');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(item(page, 'Trip notes from laptop')).toBeVisible();
  await syncNow(page);
  await syncNow(other);
  await expect(item(other, 'Trip notes from laptop')).toBeVisible();
  await other.context().close();
});

test('sign-in problems say what to do: wrong password, taken username, unreachable server', async ({
  page,
}) => {
  const user = uniqueUser('errors');
  await openApp(page);
  await authenticate(page, 'Sign up', user);
  await signOut(page);

  const dialog = await openSettings(page);
  await dialog.getByLabel('Username').fill(user);
  await dialog.getByLabel('Password', { exact: true }).fill('not the password');
  await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('Wrong username or password');

  await dialog.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('already taken');

  await dialog.getByLabel('Sync server').fill('http://127.0.0.1:9');
  await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('Cannot reach the sync server at http://127.0.0.1:9');
  await expect(conversations(page)).toBeVisible();
});
