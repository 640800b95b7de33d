import { expect, test } from '@playwright/test';
import { type FakeOpenAI, startFakeOpenAI, WRONG_KEY } from '../test/fake-openai-server.js';
import { openApp, send, waitForAnswerDone } from './helpers.js';

let server: FakeOpenAI;
test.beforeAll(async () => {
  server = await startFakeOpenAI({ chunkDelayMs: 2 });
});
test.afterAll(() => server.close());

test.describe.configure({ timeout: 90_000 });

test('model settings: Test connection and the model list, a key per endpoint, unsaved changes ask, settings used in requests', async ({
  page,
}) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('radio', { name: /OpenAI-compatible endpoint/ }).check();
  const baseURL = dialog.getByRole('textbox', { name: 'Base URL' });
  const apiKey = dialog.getByRole('textbox', { name: 'API key' });
  const test = dialog.getByRole('button', { name: 'Test connection' });
  const answer = dialog.getByRole('status', { name: 'Connection test' });

  await baseURL.fill(server.url);
  await apiKey.fill(WRONG_KEY);
  await test.click();
  await expect(answer).toHaveText(`The endpoint refused the API key (401): check the key for ${server.url}.`);

  await baseURL.fill('http://127.0.0.1:9/v1');
  await test.click();
  await expect(answer).toHaveText(/^Could not reach http:\/\/127\.0\.0\.1:9\/v1: check the base URL/);

  await baseURL.fill(server.url);
  await apiKey.fill('sk-test');
  await test.click();
  await expect(answer).toHaveText('Connection works: 3 models available. gpt-4o-mini is not among them.');
  await dialog.getByRole('combobox', { name: 'Models of this endpoint' }).selectOption('fake-model');
  await expect(dialog.getByRole('textbox', { name: 'Model', exact: true })).toHaveValue('fake-model');
  await dialog.getByRole('textbox', { name: 'System prompt' }).fill('Answer briefly.');
  await dialog.getByRole('textbox', { name: 'Temperature' }).fill('0.4');
  await dialog.getByRole('textbox', { name: 'Max tokens' }).fill('300');
  await dialog.getByRole('textbox', { name: 'Messages sent with each request' }).fill('2');

  // Esc with unsaved changes asks first.
  await page.keyboard.press('Escape');
  const discard = page.getByRole('dialog', { name: 'Discard unsaved model settings?' });
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(discard).toHaveCount(0);
  await expect(dialog.getByRole('textbox', { name: 'System prompt' })).toHaveValue('Answer briefly.');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);

  await send(page, 'Hello endpoint');
  await waitForAnswerDone(page);
  expect(server.requests.at(-1)).toMatchObject({
    model: 'fake-model',
    temperature: 0.4,
    max_tokens: 300,
    messages: [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Hello endpoint' },
    ],
  });
  const contextLine = page.getByRole('note').filter({ hasText: 'The model sees' });
  await expect(contextLine).toHaveCount(0);
  await send(page, 'And again');
  await waitForAnswerDone(page);
  await expect(contextLine).toHaveText(/^The model sees the last 2 of 4 messages/);

  // Another preset starts without this endpoint's key; coming back brings it again.
  await page.getByRole('button', { name: 'Settings' }).click();
  await dialog.getByRole('button', { name: 'Ollama' }).click();
  await expect(apiKey).toHaveValue('');
  await expect(baseURL).toHaveValue('http://localhost:11434/v1');
  await baseURL.fill(server.url);
  await expect(apiKey).toHaveValue('sk-test');
  await dialog.getByRole('button', { name: 'LM Studio' }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page
    .getByRole('dialog', { name: 'Discard unsaved model settings?' })
    .getByRole('button', { name: 'Discard' })
    .click();
  await expect(dialog).toHaveCount(0);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(baseURL).toHaveValue(server.url);
});
