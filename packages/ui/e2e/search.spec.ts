import { expect, test } from '@playwright/test';
import { conversations, openApp, openAppWithLegacyHistory, send, waitForAnswerDone } from './helpers.js';

const searchbox = (page: import('@playwright/test').Page) =>
  page.getByRole('searchbox', { name: 'Search conversations' });

test('content search finds a word inside an old message and jumps to it, loading older pages', async ({
  page,
}) => {
  // 300 messages: the one searched for is six pages back from the newest.
  const start = Date.parse('2025-03-01T00:00:00Z');
  const messages = Array.from({ length: 300 }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    content: i === 20 ? 'The migrating pelican crossed the estuary at dawn' : `Routine note number ${i}`,
    createdAt: new Date(start + i * 1000).toISOString(),
  }));
  await openAppWithLegacyHistory(page, messages);
  await expect(page.getByRole('status', { name: 'Import notice' })).toContainText('300 messages', {
    timeout: 20_000,
  });

  await searchbox(page).fill('pelican');
  const results = conversations(page).getByRole('region', { name: 'Message matches' });
  const hit = results.getByRole('button').filter({ hasText: 'pelican' });
  await expect(hit).toHaveCount(1);
  await expect(hit.locator('mark')).toHaveText('pelican');
  await expect(hit.locator('time')).toHaveAttribute('datetime', /^2025-03-01T/);
  // The title filter still runs as you type: no title holds the word.
  await expect(conversations(page)).toContainText('No conversation title matches.');

  await hit.click();
  const target = page.locator('.message-row.jump-highlight article.message');
  await expect(target).toContainText('The migrating pelican crossed the estuary at dawn');
  await expect(target).toBeInViewport();
  await expect(page.getByText('Routine note number 299', { exact: true })).not.toBeInViewport();
  // The highlight is brief.
  await expect(page.locator('.message-row.jump-highlight')).toHaveCount(0, { timeout: 5_000 });
});

test('content search follows new messages and lists them under the title matches', async ({ page }) => {
  await openApp(page);
  await send(page, 'Tell me about kestrels hovering');
  await waitForAnswerDone(page);
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, 'Anything else to see?');
  await waitForAnswerDone(page);

  await searchbox(page).fill('kestrel');
  const nav = conversations(page);
  // Title match first, content match below it.
  await expect(
    nav.getByRole('button', { name: 'Tell me about kestrels hovering', exact: true }),
  ).toBeVisible();
  const results = nav.getByRole('region', { name: 'Message matches' });
  // The question, and the demo's answer quoting it; nothing from the other chat.
  await expect(results.getByRole('button')).toHaveCount(2);
  await expect(results.getByRole('button').filter({ hasText: 'Anything else' })).toHaveCount(0);
  const hit = results.getByRole('button').filter({ hasText: /You: Tell me about kestrels/ });
  await expect(hit).toHaveCount(1);
  await expect(hit.locator('mark')).toHaveText('kestrels');

  await hit.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tell me about kestrels hovering');
  await expect(page.locator('.message-row.jump-highlight article.message-user')).toContainText('kestrels');
});
