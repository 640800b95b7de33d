import { expect, type Page, test } from '@playwright/test';
import { conversations, openApp, reload, send, waitForAnswerDone } from './helpers.js';

async function chat(page: Page, text: string) {
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, text);
  await waitForAnswerDone(page);
}

const item = (page: Page, title: string) =>
  conversations(page).getByRole('button', { name: title, exact: true });

async function action(page: Page, title: string, name: string) {
  await conversations(page)
    .getByRole('button', { name: `Actions for ${title}` })
    .click();
  await page.getByRole('menuitem', { name }).click();
}

test('conversations never leak between projects', async ({ page }) => {
  await openApp(page);
  await chat(page, 'Default project question');
  await page.getByRole('button', { name: 'New project' }).click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByRole('textbox', { name: 'Project name' }).fill('Work');
  await dialog.getByRole('button', { name: 'Create' }).click();
  const chosen = page.getByRole('combobox', { name: 'Project' }).locator('option:checked');
  await expect(chosen).toHaveText('Work');
  await expect(item(page, 'Default project question')).toHaveCount(0);
  await expect(conversations(page)).toContainText('No conversations yet.');

  await chat(page, 'Work project question');
  await expect(item(page, 'Work project question')).toBeVisible();
  await reload(page);
  await expect(chosen).toHaveText('Work');
  await expect(item(page, 'Work project question')).toBeVisible();
  await expect(item(page, 'Default project question')).toHaveCount(0);

  await page.getByRole('combobox', { name: 'Project' }).selectOption('default');
  await expect(item(page, 'Default project question')).toBeVisible();
  await expect(item(page, 'Work project question')).toHaveCount(0);
});

test('rename, pin, archive and delete a conversation', async ({ page }) => {
  await openApp(page);
  await chat(page, 'Alpha topic');
  await chat(page, 'Beta topic');

  await action(page, 'Alpha topic', 'Rename');
  const input = conversations(page).getByRole('textbox', { name: 'Conversation title' });
  await input.fill('Renamed alpha');
  await input.press('Enter');
  await expect(item(page, 'Renamed alpha')).toBeVisible();

  await action(page, 'Renamed alpha', 'Pin');
  const pinned = conversations(page).getByRole('region', { name: 'Pinned' });
  await expect(pinned.getByRole('button', { name: 'Renamed alpha', exact: true })).toBeVisible();
  await action(page, 'Renamed alpha', 'Unpin');
  await expect(conversations(page).getByRole('region', { name: 'Pinned' })).toHaveCount(0);

  await action(page, 'Beta topic', 'Archive');
  await expect(item(page, 'Beta topic')).toHaveCount(0);
  await page.getByRole('button', { name: /^Archived/ }).click();
  await expect(item(page, 'Beta topic')).toBeVisible();
  await action(page, 'Beta topic', 'Unarchive');
  await page.getByRole('button', { name: 'Chats' }).click();
  await expect(item(page, 'Beta topic')).toBeVisible();

  await action(page, 'Beta topic', 'Delete');
  const confirm = page.getByRole('dialog', { name: 'Delete conversation?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(item(page, 'Beta topic')).toBeVisible();
  await action(page, 'Beta topic', 'Delete');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(item(page, 'Beta topic')).toHaveCount(0);

  await reload(page);
  await expect(item(page, 'Renamed alpha')).toBeVisible();
  await expect(item(page, 'Beta topic')).toHaveCount(0);
});

test('the search box filters conversations by title as you type', async ({ page }) => {
  await openApp(page);
  await chat(page, 'Recipe for bread');
  await chat(page, 'Trip to Lisbon');
  const search = page.getByRole('searchbox', { name: 'Search conversations' });
  await search.fill('lis');
  await expect(item(page, 'Trip to Lisbon')).toBeVisible();
  await expect(item(page, 'Recipe for bread')).toHaveCount(0);
  await search.fill('nothing like this');
  await expect(conversations(page)).toContainText('No conversation title matches.');
  await search.fill('');
  await expect(item(page, 'Recipe for bread')).toBeVisible();
});

test('the title can be edited from the chat header', async ({ page }) => {
  await openApp(page);
  await chat(page, 'Original title here');
  await page.getByRole('button', { name: 'Edit title' }).click();
  const input = page.getByRole('main').getByRole('textbox', { name: 'Conversation title' });
  await input.fill('Better title');
  await input.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Better title');
  await expect(item(page, 'Better title')).toBeVisible();
});

/** How many lines a button's label takes: one line box per line. */
const labelLines = (page: Page, name: string) =>
  page.getByRole('button', { name, exact: true }).evaluate((button) => {
    const range = document.createRange();
    range.selectNodeContents(button);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });

test('the sidebar footer buttons keep their labels on one line, wide and narrow', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  expect(await labelLines(page, 'Keyboard shortcuts')).toBe(1);
  expect(await labelLines(page, 'Settings')).toBe(1);

  await page.setViewportSize({ width: 320, height: 640 });
  await page.getByRole('button', { name: 'Show conversations' }).click();
  await expect(page.getByRole('button', { name: 'Keyboard shortcuts' })).toBeInViewport();
  expect(await labelLines(page, 'Keyboard shortcuts')).toBe(1);
  expect(await labelLines(page, 'Settings')).toBe(1);
});
