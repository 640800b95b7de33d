import { expect, type Page } from '@playwright/test';

export async function openApp(page: Page) {
  await page.goto('/');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
}

export async function send(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

/** The assistant's messages in the open conversation. */
export const assistantMessages = (page: Page) => page.locator('article.message-assistant');

/** Waits until the newest message is a finished answer (not the question just sent). */
export async function waitForAnswerDone(page: Page) {
  const last = page.locator('article.message').last();
  await expect(last).toHaveClass(/message-assistant/, { timeout: 15_000 });
  await expect(last).toHaveAttribute('data-status', /complete|error|interrupted/, { timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
}

export const conversations = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
