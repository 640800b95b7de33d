import { expect, type Page, test } from '@playwright/test';
import { type FakeOpenAI, startFakeOpenAI } from '../test/fake-openai-server.js';
import { openApp, send, waitForAnswerDone } from './helpers.js';

let server: FakeOpenAI;
test.beforeAll(async () => {
  server = await startFakeOpenAI({ chunkDelayMs: 20 });
});
test.afterAll(() => server.close());

async function useEndpoint(page: Page, model: string) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('radio', { name: /OpenAI-compatible endpoint/ }).check();
  await dialog.getByRole('textbox', { name: 'Base URL' }).fill(server.url);
  await dialog.getByRole('textbox', { name: 'API key' }).fill('sk-test');
  await dialog.getByRole('textbox', { name: 'Model' }).fill(model);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
}

test('an OpenAI-compatible endpoint streams text and tool-call deltas into saved messages', async ({
  page,
}) => {
  await openApp(page);
  await useEndpoint(page, 'fake-model');
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', /fake-model/);

  await send(page, 'Hello endpoint');
  await waitForAnswerDone(page);
  await expect(page.locator('article.message-assistant strong')).toHaveText('fake endpoint');

  await send(page, 'calc six times seven');
  await waitForAnswerDone(page);
  await expect(page.getByText('The tool says 42.')).toBeVisible();
  await expect(page.getByText('Tool call: calculator')).toBeVisible();
  await expect(page.getByText('Tool result: clock')).toBeVisible();

  await page.reload();
  await expect(page.getByText('The tool says 42.')).toBeVisible();
  await expect(page.getByText('Tool result: calculator')).toBeVisible();
  const last = server.requests.at(-1)!;
  expect(last.messages.map((m) => m.role)).toEqual([
    'user',
    'assistant',
    'user',
    'assistant',
    'tool',
    'tool',
  ]);
});

test('an endpoint error is shown in the message, saved, and can be retried', async ({ page }) => {
  await openApp(page);
  await useEndpoint(page, 'bad-key');
  await send(page, 'Hi');
  await expect(page.getByText(/The endpoint answered 401: Incorrect API key provided/)).toBeVisible();
  await page.reload();
  await expect(page.getByText(/Incorrect API key provided/)).toBeVisible();

  await useEndpoint(page, 'fake-model');
  await page.getByRole('button', { name: 'Retry' }).click();
  await waitForAnswerDone(page);
  await expect(page.getByText(/Incorrect API key/)).toHaveCount(0);
  await expect(page.locator('article.message-assistant strong')).toHaveText('fake endpoint');
});
