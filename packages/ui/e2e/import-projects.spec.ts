// An "All projects" Chatkeep export imported through Settings while another
// project is open: the app asks where it goes, and by default each
// conversation returns to its own project.
import { expect, type Page, test } from '@playwright/test';
import { conversations, openApp } from './helpers.js';

const at = Date.UTC(2025, 4, 1);

function conversation(id: string, projectId: string, title: string, question: string) {
  const message = (n: number, role: 'user' | 'assistant', content: string, parentId: string | null) => ({
    id: `${id}-${n}`,
    conversationId: id,
    projectId,
    parentId,
    role,
    content,
    status: 'complete',
    createdAt: at + n,
    updatedAt: at + n,
  });
  return {
    id,
    projectId,
    title,
    createdAt: at,
    updatedAt: at + 1,
    archived: false,
    pinned: false,
    tags: [],
    messageCount: 2,
    messages: [message(0, 'user', question, null), message(1, 'assistant', 'Noted.', `${id}-0`)],
  };
}

const allProjects = JSON.stringify({
  format: 'chatkeep',
  version: 2,
  exportedAt: new Date(at).toISOString(),
  conversations: [
    conversation('e2e-trip', 'travel', 'Trip to Porto', 'Which trains go to Porto?'),
    conversation('e2e-budget', 'work', 'Budget review', 'Summarise the budget'),
  ],
});

async function pickFile(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const section = page
    .getByRole('dialog', { name: 'Settings' })
    .getByRole('region', { name: 'Export and import' });
  await section.getByLabel('Import file').setInputFiles({
    name: 'chatkeep-export.json',
    mimeType: 'application/json',
    buffer: Buffer.from(allProjects),
  });
  return section;
}

const closeSettings = (page: Page) =>
  page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();

test('an export of several projects restores each conversation into its own project', async ({ page }) => {
  await openApp(page);
  const section = await pickFile(page);
  await expect(section.getByRole('radio', { name: 'Keep the projects in the file' })).toBeChecked();
  await expect(section.getByRole('radio', { name: 'Put everything in default' })).not.toBeChecked();
  await section.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(section.getByRole('status', { name: 'Import report' })).toContainText(
    'Imported 2 conversations',
  );
  await closeSettings(page);

  const project = page.getByRole('combobox', { name: 'Project' });
  await expect(conversations(page).getByRole('button', { name: 'Trip to Porto', exact: true })).toHaveCount(
    0,
  );
  await project.selectOption('travel');
  await expect(conversations(page).getByRole('button', { name: 'Trip to Porto', exact: true })).toBeVisible();
  await expect(conversations(page).getByRole('button', { name: 'Budget review', exact: true })).toHaveCount(
    0,
  );
  await project.selectOption('work');
  await expect(conversations(page).getByRole('button', { name: 'Budget review', exact: true })).toBeVisible();
});

test('the same export can be put into the current project instead', async ({ page }) => {
  await openApp(page);
  const section = await pickFile(page);
  await section.getByRole('radio', { name: 'Put everything in default' }).check();
  await section.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(section.getByRole('status', { name: 'Import report' })).toContainText('into project default');
  await closeSettings(page);
  await expect(conversations(page).getByRole('button', { name: 'Trip to Porto', exact: true })).toBeVisible();
  await expect(conversations(page).getByRole('button', { name: 'Budget review', exact: true })).toBeVisible();
});
