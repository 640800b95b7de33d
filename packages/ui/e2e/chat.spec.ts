import { expect, test } from '@playwright/test';
import { conversations, openApp, reload, send, waitForAnswerDone } from './helpers.js';

test('a sent message and its streamed answer survive a reload', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText(/Sync off/);
  // Watched from before sending, every frame: the demo answer can end between two polls of an expect.
  const stopShown = page.getByRole('button', { name: 'Stop' }).waitFor();
  await send(page, 'What is 12 * (7 + 5)?');
  await stopShown;
  await waitForAnswerDone(page);
  await expect(page.getByText('= 144')).toBeVisible();
  await expect(page.getByText('Tool call: calculator')).toBeVisible();
  await expect(
    conversations(page).getByRole('button', { name: 'What is 12 * (7 + 5)?', exact: true }),
  ).toBeVisible();
  await expect(conversations(page).getByRole('heading', { name: 'Today' })).toBeVisible();

  await reload(page);
  await expect(page.getByText('What is 12 * (7 + 5)?', { exact: true }).first()).toBeVisible();
  await expect(page.getByText('= 144')).toBeVisible();
  await expect(page.getByText('Tool result: calculator')).toBeVisible();
});

test('"Stop" keeps the partial answer, also after a reload', async ({ page }) => {
  await openApp(page);
  await send(page, 'Tell me a long story');
  await expect(page.getByText(/Part 2\./)).toBeVisible({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByText('Stopped. The answer so far is kept.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  const kept = await page.locator('article.message-assistant .markdown').textContent();
  expect(kept).toContain('Part 1.');
  expect(kept).not.toContain('The end.');

  await reload(page);
  await expect(page.getByText('Stopped. The answer so far is kept.')).toBeVisible();
  expect(await page.locator('article.message-assistant .markdown').textContent()).toBe(kept);
  await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
});

test('Esc stops the answer being written', async ({ page }) => {
  await openApp(page);
  await send(page, 'Tell me a long story');
  await expect(page.getByText(/Part 1\./)).toBeVisible({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  await expect(page.getByText('Stopped. The answer so far is kept.')).toBeVisible();
});

test('closing the page mid-stream keeps the saved part, shown as interrupted with Retry', async ({
  context,
}) => {
  const first = await context.newPage();
  await openApp(first);
  await send(first, 'Tell me a long story');
  await expect(first.getByText(/Part 2\./)).toBeVisible({ timeout: 10_000 });
  await first.close();

  const second = await context.newPage();
  await openApp(second);
  await expect(second.getByText(/Interrupted: the answer stopped before it finished/)).toBeVisible();
  const kept = await second.locator('article.message-assistant .markdown').textContent();
  expect(kept).toContain('Part 1.');
  expect(kept).not.toContain('The end.');

  await second.getByRole('button', { name: 'Retry' }).click();
  await expect(second.getByRole('button', { name: 'Stop' })).toBeVisible();
  await second.getByRole('button', { name: 'Stop' }).click();
  await expect(second.locator('article.message-assistant')).toHaveCount(1);
});

test("two tabs see each other's new messages", async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openApp(a);
  await openApp(b);
  await send(a, 'Hello from tab A');
  await waitForAnswerDone(a);
  await conversations(b).getByRole('button', { name: 'Hello from tab A', exact: true }).click();
  await expect(b.getByText('Hello from tab A', { exact: true }).first()).toBeVisible();
  await expect(b.locator('article.message-assistant')).toHaveCount(1);

  await send(b, 'Reply from tab B');
  await expect(a.getByText('Reply from tab B', { exact: true })).toBeVisible();
  await waitForAnswerDone(b);
  await expect(a.locator('article.message-assistant')).toHaveCount(2);
});

test('keeps the unsent draft of each conversation across reloads', async ({ page }) => {
  await openApp(page);
  await send(page, 'First chat');
  await waitForAnswerDone(page);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('an unsent thought');
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(box).toHaveValue('');
  await box.fill('draft of a new chat');
  await reload(page);
  await expect(box).toHaveValue('draft of a new chat');
  await conversations(page).getByRole('button', { name: 'First chat', exact: true }).click();
  await expect(box).toHaveValue('an unsent thought');
});

test('keyboard: Enter sends, Shift+Enter adds a line, shortcuts for new chat, search and help', async ({
  page,
}) => {
  await openApp(page);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.click();
  await page.keyboard.type('line one');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('line two');
  await expect(box).toHaveValue('line one\nline two');
  await page.keyboard.press('Enter');
  await expect(page.locator('article.message-user')).toContainText('line one\nline two');
  await waitForAnswerDone(page);

  await page.keyboard.press('Control+Shift+O');
  await expect(page.getByRole('heading', { name: 'Start a conversation' })).toBeVisible();
  await expect(box).toBeFocused();
  await page.keyboard.press('Control+K');
  await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeFocused();

  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('New chat');
  await expect(help).toContainText('Search conversations');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});
