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

export async function waitForAnswerDone(page: Page) {
  await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator('article[data-status="streaming"], article[data-status="pending"]')).toHaveCount(
    0,
  );
}

export const conversations = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
