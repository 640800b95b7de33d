import { expect, type Page } from '@playwright/test';

export async function openApp(page: Page) {
  await page.goto('/');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await appTookOver(page);
}

/**
 * Waits until the first-paint snapshot (an inert copy of the last view,
 * painted before the app runs) has given way to the app's own view, so that
 * locators find each message once.
 */
export async function appTookOver(page: Page) {
  await expect(page.locator('#first-paint')).toHaveCount(0, { timeout: 15_000 });
}

/** Reloads the page and waits for the app's own view. */
export async function reload(page: Page) {
  await page.reload();
  await appTookOver(page);
}

/**
 * Opens the app on an origin where an earlier LeanSpec chat left `messages` in
 * localStorage. Written before the app first starts: written into a running
 * app, that page's own migration check (a moment after its first paint) could
 * take them before the reload the test meant to show the import in.
 */
export async function openAppWithLegacyHistory(page: Page, messages: unknown[]) {
  await page.goto('/favicon.svg');
  await page.evaluate(
    (json) => localStorage.setItem('leanspec-chat-history', json),
    JSON.stringify(messages),
  );
  await openApp(page);
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

/** Chooses an OpenAI-compatible endpoint in Settings and saves it. */
export async function useEndpoint(page: Page, baseURL: string, model: string, apiKey = 'sk-test') {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('radio', { name: /OpenAI-compatible endpoint/ }).check();
  await dialog.getByRole('textbox', { name: 'Base URL' }).fill(baseURL);
  await dialog.getByRole('textbox', { name: 'API key' }).fill(apiKey);
  await dialog.getByRole('textbox', { name: 'Model' }).fill(model);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
}
