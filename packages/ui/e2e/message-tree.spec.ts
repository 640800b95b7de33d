// Conversations as message trees (DESIGN.md "Message tree", "UI contract"):
// nothing is overwritten; versions, edit, regenerate, fork and delete in
// real Chromium with the built-in demo assistant.
import { expect, type Locator, type Page, test } from '@playwright/test';
import { assistantMessages, conversations, openApp, reload, send, waitForAnswerDone } from './helpers.js';

// Each test waits for two or three whole demo answers, beyond the default 30 s on a busy machine.
test.describe.configure({ timeout: 60_000 });

const message = (page: Page, author: 'You' | 'Demo assistant') =>
  page.getByRole('article', { name: `${author} message` });

/** The "‹ 2/3 ›" switch of a message reads `position`. */
async function expectVersion(article: Locator, position: string) {
  await expect(article.locator('.version-position')).toHaveText(position);
}

/** Sends the long story and stops it once `part` has arrived. */
async function stopStoryAt(page: Page, part: number) {
  await expect(page.getByText(new RegExp(`Part ${part}\\.`))).toBeVisible({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByText('Stopped. The answer so far is kept.')).toBeVisible();
}

test('Stop then Retry keeps both answers as versions 1/2 and 2/2, and reload keeps the one chosen', async ({
  page,
}) => {
  await openApp(page);
  await send(page, 'Tell me a long story');
  await stopStoryAt(page, 2);
  const firstText = await assistantMessages(page).locator('.markdown').textContent();

  await page.getByRole('button', { name: 'Retry' }).click();
  const answer = assistantMessages(page);
  await expectVersion(answer, '2/2');
  await stopStoryAt(page, 1);
  await expect(answer).toHaveCount(1);
  await expect(answer.locator('.markdown')).not.toHaveText(firstText!);

  await answer.getByRole('button', { name: 'Previous version' }).click();
  await expectVersion(answer, '1/2');
  await expect(answer.locator('.markdown')).toHaveText(firstText!);

  await reload(page);
  await expectVersion(assistantMessages(page), '1/2');
  await expect(assistantMessages(page).locator('.markdown')).toHaveText(firstText!);
  await assistantMessages(page).getByRole('button', { name: 'Next version' }).click();
  await expectVersion(assistantMessages(page), '2/2');
});

test('Edit saves a new version of the question and answers it; the first stays one click away', async ({
  page,
}) => {
  await openApp(page);
  await send(page, 'Plan a trip to Lisbon');
  await waitForAnswerDone(page);

  await message(page, 'You').getByRole('button', { name: 'Edit message' }).click();
  const box = page.getByRole('textbox', { name: 'Edited message' });
  await expect(box).toHaveValue('Plan a trip to Lisbon');
  await box.fill('Plan a trip to Porto');
  await page.getByRole('button', { name: 'Save and send' }).click();
  await waitForAnswerDone(page);

  await expect(message(page, 'You')).toHaveCount(1);
  await expect(message(page, 'You').locator('.message-text')).toHaveText('Plan a trip to Porto');
  await expectVersion(message(page, 'You'), '2/2');
  // The answer was written for the edited question only.
  await expect(assistantMessages(page)).toContainText('Plan a trip to Porto');
  await expect(assistantMessages(page)).not.toContainText('Lisbon');

  await message(page, 'You').getByRole('button', { name: 'Previous version' }).click();
  await expect(message(page, 'You').locator('.message-text')).toHaveText('Plan a trip to Lisbon');
  await expect(assistantMessages(page)).toContainText('Plan a trip to Lisbon');
});

test('Regenerate writes another answer beside the first', async ({ page }) => {
  await openApp(page);
  await send(page, 'Show me some markdown');
  await waitForAnswerDone(page);
  await assistantMessages(page).getByRole('button', { name: 'Regenerate' }).click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await waitForAnswerDone(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expectVersion(assistantMessages(page), '2/2');
  await expect(assistantMessages(page).getByRole('table')).toBeVisible();
});

test('Fork opens a new conversation holding the path up to the message', async ({ page }) => {
  await openApp(page);
  await send(page, 'Plan a trip to Lisbon');
  await waitForAnswerDone(page);
  await send(page, 'And then Porto');
  await waitForAnswerDone(page);
  const listed = conversations(page).getByRole('listitem');
  await expect(listed).toHaveCount(1);

  await message(page, 'Demo assistant').first().getByRole('button', { name: 'Fork conversation' }).click();
  await expect(listed).toHaveCount(2);
  await expect(message(page, 'You')).toHaveCount(1);
  await expect(message(page, 'You')).toContainText('Plan a trip to Lisbon');
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.getByText('And then Porto')).toHaveCount(0);
});

test('Delete message says how many go (the message and everything under it) and removes them', async ({
  page,
}) => {
  await openApp(page);
  await send(page, 'First question');
  await waitForAnswerDone(page);
  await send(page, 'Second question');
  await waitForAnswerDone(page);
  await assistantMessages(page).last().getByRole('button', { name: 'Regenerate' }).click();
  await waitForAnswerDone(page);
  // Under the second question: two versions of its answer.

  await message(page, 'You').last().getByRole('button', { name: 'Delete message' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete message?' });
  await expect(dialog).toContainText('This message and the 2 messages after it (3 in all');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(message(page, 'You')).toHaveCount(1);
  await expect(message(page, 'You')).toContainText('First question');
  await expect(assistantMessages(page)).toHaveCount(1);

  await reload(page);
  await expect(message(page, 'You')).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
});

test('keyboard: Tab reaches the actions; Esc cancels an edit and focus returns to the message', async ({
  page,
}) => {
  await openApp(page);
  await send(page, 'Plan a trip to Lisbon');
  await waitForAnswerDone(page);

  const question = message(page, 'You');
  await question.focus();
  const reached: string[] = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement?.textContent ?? ''));
  }
  expect(reached).toEqual(['Copy message', 'Edit message', 'Fork conversation', 'Delete message']);
  // Shown once focused, though no pointer hovers.
  await expect(question.getByRole('button', { name: 'Delete message' })).toHaveCSS('opacity', '1');

  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  const box = page.getByRole('textbox', { name: 'Edited message' });
  await expect(box).toBeFocused();
  await box.fill('Something else');
  await page.keyboard.press('Escape');
  await expect(box).toHaveCount(0);
  await expect(question).toBeFocused();
  await expect(question.locator('.message-text')).toHaveText('Plan a trip to Lisbon');
  // Esc in the editor cancelled the edit and did not stop or send anything.
  await expect(question.locator('.version-position')).toHaveCount(0);
});
