import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { conversations, openApp, send, waitForAnswerDone } from './helpers.js';

const CHATGPT_FIXTURE = join(import.meta.dirname, 'fixtures', 'chatgpt-conversations.json');

const item = (page: Page, title: string) =>
  conversations(page).getByRole('button', { name: title, exact: true });

async function menu(page: Page, title: string, action: string) {
  await conversations(page)
    .getByRole('button', { name: `Actions for ${title}` })
    .click();
  await page.getByRole('menuitem', { name: action }).click();
}

async function exportSection(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('dialog', { name: 'Settings' }).getByRole('region', { name: 'Export and import' });
}

test('a conversation exported as JSON downloads a file that imports back after the conversation is deleted', async ({
  page,
}) => {
  await openApp(page);
  await send(page, 'Remember the lighthouse keeper');
  await waitForAnswerDone(page);
  const title = 'Remember the lighthouse keeper';
  await expect(item(page, title)).toBeVisible();

  await menu(page, title, 'Export');
  const dialog = page.getByRole('dialog', { name: 'Export conversation' });
  await expect(dialog.getByRole('radio', { name: /JSON/ })).toBeChecked();
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(
    /^chatkeep-remember-the-lighthouse-keeper-\d{4}-\d\d-\d\d\.json$/,
  );
  await expect(dialog).toHaveCount(0);
  const text = readFileSync((await download.path())!, 'utf8');
  const file = JSON.parse(text);
  expect(file.conversations).toHaveLength(1);
  expect(file.conversations[0]).toMatchObject({ title, projectId: 'default' });
  expect(file.conversations[0].messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);

  await menu(page, title, 'Delete');
  await page
    .getByRole('dialog', { name: 'Delete conversation?' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(item(page, title)).toHaveCount(0);

  const section = await exportSection(page);
  await section.getByLabel('Import file').setInputFiles({
    name: download.suggestedFilename(),
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
  await expect(section.getByRole('status', { name: 'Import report' })).toContainText(
    'Imported 1 conversation and 2 messages',
  );
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
  await item(page, title).click();
  await expect(page.locator('article.message-user')).toHaveText(/Remember the lighthouse keeper/);
  await expect(page.locator('article.message-assistant')).toHaveCount(1);

  // Exported again, it is the same conversation with the same messages.
  await menu(page, title, 'Export');
  const again = page.waitForEvent('download');
  await page
    .getByRole('dialog', { name: 'Export conversation' })
    .getByRole('button', { name: 'Download' })
    .click();
  const second = JSON.parse(readFileSync((await (await again).path())!, 'utf8'));
  expect(second.conversations).toEqual(file.conversations);
});

test('Settings exports every project as Markdown', async ({ page }) => {
  await openApp(page);
  await send(page, 'A question about glaciers');
  await waitForAnswerDone(page);

  const section = await exportSection(page);
  await section.getByRole('radio', { name: 'All projects' }).check();
  await section.getByRole('radio', { name: /Markdown/ }).check();
  const downloading = page.waitForEvent('download');
  await section.getByRole('button', { name: 'Export' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^chatkeep-export-\d{4}-\d\d-\d\d\.md$/);
  const markdown = readFileSync((await download.path())!, 'utf8');
  expect(markdown).toContain('A question about glaciers');
  await expect(section.getByRole('status')).toContainText(`Downloaded ${download.suggestedFilename()}`);
});

test("importing ChatGPT's conversations.json shows the report and the conversations appear", async ({
  page,
}) => {
  await openApp(page);
  const section = await exportSection(page);
  await section.getByLabel('Import file').setInputFiles(CHATGPT_FIXTURE);
  const report = section.getByRole('status', { name: 'Import report' });
  await expect(report).toContainText('Imported 2 conversations and 5 messages');
  await expect(report).toContainText('ChatGPT export');
  // Its empty root nodes are nothing to report.
  await expect(report.getByRole('listitem')).toHaveCount(0);

  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
  await item(page, 'Sourdough starter care').click();
  await expect(page.locator('article.message-assistant')).toContainText('equal weights of flour and water');
  await expect(item(page, 'Why there are two tides')).toBeVisible();
});
