import { type Browser, expect, type Page } from '@playwright/test';
import { conversations, openApp, send, waitForAnswerDone } from './helpers.js';

export const PASSWORD = 'correct horse battery';

/** A fresh account name per test: the server keeps accounts for the whole run. */
export function uniqueUser(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A second device: its own browser context, so its own IndexedDB and localStorage. */
export async function newDevice(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openApp(page);
  return page;
}

export const syncStatus = (page: Page) => page.getByRole('status', { name: 'Sync status' });

export async function chat(page: Page, text: string) {
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, text);
  await waitForAnswerDone(page);
}

export const item = (page: Page, title: string) =>
  conversations(page).getByRole('button', { name: title, exact: true });

export async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('dialog', { name: 'Settings' });
}

export async function authenticate(page: Page, action: 'Sign up' | 'Sign in', username: string) {
  const dialog = await openSettings(page);
  await dialog.getByLabel('Username').fill(username);
  await dialog.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await expect(dialog.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(syncStatus(page)).toContainText('Synced', { timeout: 15_000 });
}

export async function signOut(page: Page) {
  const dialog = await openSettings(page);
  await dialog.getByRole('button', { name: 'Sign out' }).click();
  await expect(dialog.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
}

/** Syncs now and waits until everything is pushed and pulled. */
export async function syncNow(page: Page) {
  const button = page.getByRole('button', { name: 'Sync now' });
  await expect(button).toBeEnabled({ timeout: 15_000 });
  await button.click();
  await expect(syncStatus(page)).toContainText('Synced', { timeout: 15_000 });
}

export async function renameConversation(page: Page, from: string, to: string) {
  await conversations(page)
    .getByRole('button', { name: `Actions for ${from}` })
    .click();
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  const input = conversations(page).getByRole('textbox', { name: 'Conversation title' });
  await input.fill(to);
  await input.press('Enter');
  await expect(item(page, to)).toBeVisible();
}

export async function deleteConversation(page: Page, title: string) {
  await conversations(page)
    .getByRole('button', { name: `Actions for ${title}` })
    .click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page
    .getByRole('dialog', { name: 'Delete conversation?' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(item(page, title)).toHaveCount(0);
}
