// Importing ChatGPT's export through Settings, in real Chromium: the report
// says what was kept differently, every branch is there to switch between,
// reasoning folds under "Reasoning" and missing images say so.
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { conversations, openApp } from './helpers.js';

const FIXTURE = join(import.meta.dirname, '../../storage/src/import/fixtures/chatgpt-content-types.json');

async function importFile(page: Page, file: string) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const section = dialog.getByRole('region', { name: 'Export and import' });
  await section.getByLabel('Import file').setInputFiles(file);
  const report = section.getByRole('status', { name: 'Import report' });
  await expect(report).toContainText('Imported 2 conversations and 16 messages');
  return { dialog, report };
}

test('a ChatGPT export imports with its report, versions to switch between and a Reasoning block to open', async ({
  page,
}) => {
  await openApp(page);
  const { dialog, report } = await importFile(page, FIXTURE);
  const counts = report.getByRole('list', { name: 'Kept differently' });
  await expect(counts).toContainText('2 branches kept as versions');
  await expect(counts).toContainText('2 images not included in the export');
  await expect(counts).toContainText('1 audio clip not included in the export');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The untitled conversation is named after its first prompt.
  await conversations(page)
    .getByRole('button', { name: 'What is in this photo and recording?', exact: true })
    .click();
  const answers = page.locator('article.message-assistant');
  const last = answers.last();
  await expect(last).toContainText('It is 5 °C and cloudy.');
  await expect(last.locator('.version-position')).toHaveText('2/2');
  await last.getByRole('button', { name: 'Previous version' }).click();
  await expect(last).toContainText('Cloudy.');
  await expect(last.locator('.version-position')).toHaveText('1/2');
  await last.getByRole('button', { name: 'Next version' }).click();
  await expect(last).toContainText('It is 5 °C and cloudy.');

  // The photo and the recording are named where they were.
  const prompt = page.getByRole('article', { name: 'You message' }).first();
  await expect(prompt.getByText('Image not included in the export')).toBeVisible();
  await expect(prompt.getByText('Audio not included in the export')).toBeVisible();

  // The reasoning is one closed block on the answer, not a message of its own.
  const cat = page.getByRole('article', { name: 'o3 message' });
  await expect(cat).toHaveCount(1);
  await expect(cat).toContainText('A sleeping cat.');
  await expect(cat.getByRole('link', { name: 'Wikipedia' })).toHaveAttribute(
    'href',
    'https://en.wikipedia.org/wiki/Cat',
  );
  const reasoning = cat.getByText('Reasoning', { exact: true });
  await expect(cat.getByText('Cats sleep 12 to 16 hours a day.')).toBeHidden();
  await reasoning.click();
  await expect(cat.getByText('Cats sleep 12 to 16 hours a day.')).toBeVisible();
  await expect(cat.getByText('Thought for 2 seconds')).toBeVisible();

  // Browsing results show their text, never "null".
  await expect(page.getByText('null', { exact: true })).toHaveCount(0);
});

test('importing the same ChatGPT export twice adds nothing', async ({ page }) => {
  await openApp(page);
  const first = await importFile(page, FIXTURE);
  await first.dialog.getByRole('button', { name: 'Close' }).click();
  await importFile(page, FIXTURE);
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
  await expect(
    conversations(page).getByRole('button', { name: 'What is in this photo and recording?', exact: true }),
  ).toHaveCount(1);
  await expect(conversations(page).getByRole('button', { name: 'Odd nodes', exact: true })).toHaveCount(1);
});
