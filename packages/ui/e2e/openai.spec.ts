import { expect, type Page, test } from '@playwright/test';
import { type FakeOpenAI, startFakeOpenAI } from '../test/fake-openai-server.js';
import { openApp, reload, send, useEndpoint as useEndpointAt, waitForAnswerDone } from './helpers.js';

let server: FakeOpenAI;
test.beforeAll(async () => {
  server = await startFakeOpenAI({ chunkDelayMs: 20 });
});
test.afterAll(() => server.close());

const useEndpoint = (page: Page, model: string) => useEndpointAt(page, server.url, model);

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

  await reload(page);
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

test('a reload in the middle of a streamed tool call keeps its arguments so far, shown as interrupted', async ({
  page,
}) => {
  await openApp(page);
  await useEndpoint(page, 'fake-model');
  await send(page, 'Work out half a call');
  // The endpoint stops half-way through the arguments and holds the stream open.
  const call = page.locator('article.message-assistant details.tool-block');
  await expect(call).toContainText('Tool call: calculator');
  await expect(call.locator('pre')).toHaveText('{"expression": "6 *', { useInnerText: false });
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();

  await reload(page);
  const answer = page.locator('article.message-assistant');
  await expect(answer).toHaveAttribute('data-status', 'interrupted');
  await expect(answer.getByText(/Interrupted: the answer stopped before it finished/)).toBeVisible();
  await expect(answer).toContainText('Let me work that out.');
  await expect(answer.locator('details.tool-block pre')).toHaveText('{"expression": "6 *', {
    useInnerText: false,
  });
  await expect(answer.getByRole('button', { name: 'Retry' })).toBeVisible();
});

test('Esc in the search box or a dialog leaves the answer streaming; elsewhere it stops it', async ({
  page,
}) => {
  await openApp(page);
  await useEndpoint(page, 'fake-model');
  // This answer stays open until stopped, so it is still streaming whatever the machine's speed.
  await send(page, 'Work out half a call');
  const answer = page.locator('article.message-assistant');
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  const search = page.getByRole('searchbox', { name: 'Search conversations' });

  await search.fill('half');
  await page.keyboard.press('Escape');
  await expect(search).toHaveValue('');
  await expect(search).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();

  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  await expect(answer).toHaveAttribute('data-status', 'streaming');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByText('Stopped. The answer so far is kept.')).toBeVisible();
});

test('an endpoint error is shown in the message, saved, and can be retried', async ({ page }) => {
  await openApp(page);
  await useEndpoint(page, 'bad-key');
  await send(page, 'Hi');
  // Scoped to the message: the Announcements live region says the same words.
  const answer = page.locator('article.message-assistant');
  await expect(answer.getByText(/The endpoint answered 401: Incorrect API key provided/)).toBeVisible();
  await reload(page);
  await expect(answer.getByText(/Incorrect API key provided/)).toBeVisible();

  await useEndpoint(page, 'fake-model');
  await page.getByRole('button', { name: 'Retry' }).click();
  await waitForAnswerDone(page);
  await expect(answer.getByText(/Incorrect API key/)).toHaveCount(0);
  await expect(answer.locator('strong')).toHaveText('fake endpoint');
});

test('an answer streaming in another tab is not marked interrupted there', async ({ context }) => {
  const writer = await context.newPage();
  await openApp(writer);
  await useEndpoint(writer, 'fake-model');
  // This answer stays open until stopped, so the test never races its end.
  await send(writer, 'Work out half a call');
  await expect(writer.getByText('Let me work that out.')).toBeVisible({ timeout: 10_000 });

  const reader = await context.newPage();
  await openApp(reader);
  await expect(reader.getByText('Let me work that out.')).toBeVisible();
  // Longer than the recovery check interval: the live stream must stay live.
  await reader.waitForTimeout(2500);
  await expect(reader.getByText(/Interrupted/)).toHaveCount(0);
  await expect(reader.locator('article[data-status="streaming"]')).toHaveCount(1);

  await writer.getByRole('button', { name: 'Stop' }).click();
  await expect(reader.getByText('Stopped. The answer so far is kept.')).toBeVisible();
});
