import { expect, type Page, test } from '@playwright/test';
import { conversations, openApp, send } from './helpers.js';

const item = (page: Page, title: string) =>
  conversations(page).getByRole('button', { name: title, exact: true });

async function chat(page: Page, text: string) {
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, text);
  await expect(item(page, text)).toBeVisible();
}

test('a tag added from the actions menu shows on the conversation and filters the list', async ({ page }) => {
  await openApp(page);
  await chat(page, 'Plan the trip to Lisbon');
  await chat(page, 'Quarterly report draft');

  await conversations(page).getByRole('button', { name: 'Actions for Plan the trip to Lisbon' }).click();
  await page.getByRole('menuitem', { name: 'Tags…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Tags for Plan the trip to Lisbon' });
  const input = dialog.getByRole('combobox', { name: 'Add a tag' });
  await input.fill('  Travel    plans ');
  await input.press('Enter');
  await expect(dialog.getByRole('list', { name: 'Tags' })).toHaveText('Travel plans×');
  await input.fill('travel PLANS');
  await input.press('Enter');
  await expect(dialog.getByRole('alert')).toHaveText('This conversation is already tagged "Travel plans".');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);

  await expect(item(page, 'Plan the trip to Lisbon')).toHaveAccessibleDescription('Tagged Travel plans');
  await page.getByRole('button', { name: 'Filter by tag' }).click();
  await page.getByRole('checkbox', { name: 'Travel plans (1)' }).check();
  await expect(item(page, 'Plan the trip to Lisbon')).toBeVisible();
  await expect(item(page, 'Quarterly report draft')).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear tag filter' }).click();
  await expect(item(page, 'Quarterly report draft')).toBeVisible();
});
