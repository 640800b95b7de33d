import { expect, test } from '@playwright/test';
import { type FakeOpenAI, startFakeOpenAI } from '../test/fake-openai-server.js';
import { openApp, send, useEndpoint } from './helpers.js';
import { item } from './sync-helpers.js';

let server: FakeOpenAI;
test.beforeAll(async () => {
  server = await startFakeOpenAI({ chunkDelayMs: 5 });
});
test.afterAll(() => server.close());

test.describe.configure({ timeout: 90_000 });

const WAITING = 'Waiting for the network: it will be sent when you are back online';

test('a message sent offline waits, and is sent once when back online, with two tabs open', async ({
  context,
}) => {
  const first = await context.newPage();
  await openApp(first);
  await useEndpoint(first, server.url, 'fake-model');
  const second = await context.newPage();
  await openApp(second);

  await context.setOffline(true);
  await expect(first.getByRole('alert').filter({ hasText: 'works offline' })).toBeVisible();
  const before = server.requests.length;
  // A background tab gets no animation frames, which clicks wait for.
  await first.bringToFront();
  await send(first, 'Queued while offline');
  const question = first.locator('article.message-user');
  // A server on this machine is tried first even offline (it may well answer); this one cannot be reached.
  await expect(question.getByRole('status')).toHaveText(new RegExp(WAITING), { timeout: 15_000 });
  await expect(question).toHaveAttribute('data-queued', 'true');
  // No failed answer and no CORS hint while the browser knows it is offline.
  await expect(first.locator('article.message-assistant')).toHaveCount(0);
  await expect(first.getByText(/CORS/)).toHaveCount(0);

  // The other tab shows it waiting too.
  await second.bringToFront();
  await item(second, 'Queued while offline').click();
  await expect(second.locator('article.message-user').getByRole('status')).toHaveText(new RegExp(WAITING));

  await context.setOffline(false);
  for (const page of [first, second]) {
    await expect(page.locator('article.message-assistant')).toContainText('fake endpoint', {
      timeout: 10_000,
    });
    await expect(page.locator('article.message-assistant')).toHaveAttribute('data-status', 'complete');
    await expect(page.getByText(WAITING)).toHaveCount(0);
  }
  // Long enough for a second tab or a retry to have sent it again, had either done so.
  await first.waitForTimeout(1500);
  expect(server.requests.length - before).toBe(1);
  expect(server.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'Queued while offline' }]);
  await expect(first.locator('article.message-assistant')).toHaveCount(1);
});

test('a waiting message can be edited or cancelled, and is sent when the app starts again', async ({
  context,
}) => {
  const page = await context.newPage();
  await openApp(page);
  await useEndpoint(page, server.url, 'fake-model');
  await context.setOffline(true);
  await expect(page.getByRole('alert').filter({ hasText: 'works offline' })).toBeVisible();

  await send(page, 'Never to be sent');
  const cancelled = page.locator('article.message-user');
  await expect(cancelled.getByRole('status')).toHaveText(new RegExp(WAITING), { timeout: 15_000 });
  await cancelled.getByRole('button', { name: 'Cancel sending' }).click();
  await expect(cancelled).toHaveCount(0);

  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, 'First draft');
  const question = page.locator('article.message-user');
  await expect(question.getByRole('status')).toHaveText(new RegExp(WAITING), { timeout: 15_000 });
  await question.hover();
  await question.getByRole('button', { name: 'Edit message' }).click();
  await question.getByRole('textbox').fill('Edited before sending');
  await question.getByRole('button', { name: 'Save and send' }).click();
  // Replaced in place (it was never sent), still waiting: no second version.
  await expect(question).toHaveCount(1);
  await expect(question).toContainText('Edited before sending');
  await expect(question.getByRole('status')).toHaveText(new RegExp(WAITING));
  await expect(question.getByText('1/2')).toHaveCount(0);

  // Closed while still offline; the network comes back while no tab is open.
  const address = page.url();
  const before = server.requests.length;
  await page.close();
  await context.setOffline(false);
  const again = await context.newPage();
  await again.goto(address);
  await expect(again.locator('article.message-assistant')).toContainText('fake endpoint', {
    timeout: 15_000,
  });
  await expect(again.getByText(WAITING)).toHaveCount(0);
  await again.waitForTimeout(1500);
  expect(server.requests.slice(before).map((r) => r.messages)).toEqual([
    [{ role: 'user', content: 'Edited before sending' }],
  ]);
});
