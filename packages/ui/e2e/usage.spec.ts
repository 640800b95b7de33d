import { expect, test } from '@playwright/test';
import { type FakeOpenAI, startFakeOpenAI } from '../test/fake-openai-server.js';
import { openApp, send, useEndpoint, waitForAnswerDone } from './helpers.js';

let server: FakeOpenAI;
test.beforeAll(async () => {
  server = await startFakeOpenAI();
});
test.afterAll(() => server.close());

test('the tokens an endpoint reports show on each answer and add up in Settings > Usage', async ({
  page,
}) => {
  await openApp(page);
  await useEndpoint(page, server.url, 'fake-model');
  await send(page, 'Hello endpoint');
  await waitForAnswerDone(page);
  await send(page, 'Tell me more');
  await waitForAnswerDone(page);

  // The fake endpoint reports 10 prompt tokens plus one per message sent, and 7 completion tokens.
  const answers = page.locator('article.message-assistant');
  await answers.last().hover();
  await expect(answers.last().getByText('Tokens: 13 in · 7 out')).toBeVisible();
  await expect(answers.first().getByText('Tokens: 11 in · 7 out')).toBeAttached();

  await page.getByRole('button', { name: 'Settings' }).click();
  const usage = page.getByRole('dialog', { name: 'Settings' }).getByRole('region', { name: 'Usage' });
  await usage.scrollIntoViewIfNeeded();
  const totals = usage.getByRole('definition');
  await expect(totals).toHaveText(['4', '2', '24', '14']);
  await expect(usage.getByRole('table', { name: 'Usage per model' }).getByRole('row').nth(1)).toHaveText(
    'fake-model222414',
  );
  await expect(usage.getByRole('img', { name: /Tokens per day/ })).toBeVisible();
  await usage.getByRole('button', { name: 'Last 90 days' }).click();
  await expect(usage.getByRole('button', { name: 'Last 90 days' })).toHaveAttribute('aria-pressed', 'true');
  await expect(totals).toHaveText(['4', '2', '24', '14']);
  if (process.env.CHATKEEP_E2E_SHOTS)
    await usage.screenshot({ path: `${process.env.CHATKEEP_E2E_SHOTS}/usage.png` });
});
