// Importing the zip ChatGPT's "Export data" delivers, through Settings, in
// real Chromium: the split conversation files inside are found and
// imported, and a regenerated answer comes in as a version to switch to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { strToU8, zipSync } from 'fflate';
import { conversations, openApp } from './helpers.js';

const [cat, lisbon] = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'chatgpt-branches.json'), 'utf8'),
) as unknown[];

/** A newer ChatGPT export: conversations split over numbered files, beside the HTML copy and an image. */
const exportZip = Buffer.from(
  zipSync({
    'chat.html': strToU8('<html><body>The same conversations as a page.</body></html>'),
    'conversations-000.json': strToU8(JSON.stringify([cat])),
    'conversations-001.json': strToU8(JSON.stringify([lisbon])),
    'user.json': strToU8('{"id": "user-e2e"}'),
    'file-e2e-photo.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]),
  }),
);

async function importZip(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const section = settings.getByRole('region', { name: 'Export and import' });
  await section.getByLabel('Import file').setInputFiles({
    name: 'chatgpt-export.zip',
    mimeType: 'application/zip',
    buffer: exportZip,
  });
  const report = section.getByRole('status', { name: 'Import report' });
  await expect(report).toContainText('Imported 2 conversations and 5 messages');
  await expect(report).toContainText('from chatgpt-export.zip (ChatGPT export)');
  await settings.getByRole('button', { name: 'Close' }).click();
}

const item = (page: Page, title: string) =>
  conversations(page).getByRole('button', { name: title, exact: true });

test('a ChatGPT export zip imported in Settings shows its conversations and the versions of a regenerated answer', async ({
  page,
}) => {
  await openApp(page);
  await importZip(page);

  await expect(item(page, 'Packing for Lisbon')).toBeVisible();
  await item(page, 'Naming a grey cat').click();
  const answer = page.getByRole('article', { name: 'gpt-4o message' });
  // The answer ChatGPT showed (current_node) is the one shown, as version 2 of 2.
  await expect(answer).toContainText('How about Smokey?');
  await expect(answer.locator('.version-position')).toHaveText('2/2');
  await answer.getByRole('button', { name: 'Previous version' }).click();
  await expect(answer).toContainText('Call her Ash.');
  await expect(answer.locator('.version-position')).toHaveText('1/2');
  await answer.getByRole('button', { name: 'Next version' }).click();
  await expect(answer).toContainText('How about Smokey?');

  await item(page, 'Packing for Lisbon').click();
  await expect(page.getByRole('article', { name: 'Assistant message' })).toContainText('comfortable shoes');
});

test('the same zip imported twice adds nothing', async ({ page }) => {
  await openApp(page);
  await importZip(page);
  await importZip(page);
  await expect(item(page, 'Naming a grey cat')).toHaveCount(1);
  await expect(item(page, 'Packing for Lisbon')).toHaveCount(1);
  await item(page, 'Naming a grey cat').click();
  await expect(page.getByRole('article', { name: 'gpt-4o message' }).locator('.version-position')).toHaveText(
    '2/2',
  );
});
