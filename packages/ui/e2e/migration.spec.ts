import { expect, test } from '@playwright/test';
import { conversations, openAppWithLegacyHistory, reload } from './helpers.js';

test('legacy LeanSpec history is imported once, with a notice of what came over', async ({ page }) => {
  const t = Date.parse('2025-01-02T10:00:00Z');
  await openAppWithLegacyHistory(page, [
    { id: 'u1', role: 'user', content: 'Old question from LeanSpec', createdAt: new Date(t).toISOString() },
    { id: 'a1', role: 'assistant', content: 'Old **answer**', createdAt: new Date(t + 1000).toISOString() },
  ]);
  const notice = page.getByRole('status', { name: 'Import notice' });
  await expect(notice).toContainText('Imported 1 conversation (2 messages)');
  await expect(conversations(page).getByRole('listitem')).toHaveCount(1);
  await conversations(page).getByRole('listitem').getByRole('button').first().click();
  await expect(page.locator('article.message-user')).toHaveText(/Old question from LeanSpec/);
  await expect(page.locator('article.message-assistant strong')).toHaveText('answer');
  expect(await page.evaluate(() => localStorage.getItem('leanspec-chat-history'))).toBeNull();

  await reload(page);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Import notice' })).toHaveCount(0);
  await expect(conversations(page).getByRole('listitem')).toHaveCount(1);
});

test('a 10,000-message conversation opens at the end, renders only what is in view and pages back', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const start = Date.parse('2025-03-01T00:00:00Z');
  const messages = Array.from({ length: 10_000 }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    content: `Message number ${i}`,
    createdAt: new Date(start + i * 1000).toISOString(),
  }));
  await openAppWithLegacyHistory(page, messages);
  await expect(page.getByRole('status', { name: 'Import notice' })).toContainText('10000 messages', {
    timeout: 60_000,
  });
  await conversations(page).getByRole('listitem').getByRole('button').first().click();
  await expect(page.getByText('Message number 9999', { exact: true })).toBeVisible();
  const rendered = await page.locator('article.message').count();
  expect(rendered).toBeLessThan(60);

  // Scroll up until a message of the second page is in view: older pages load, the view does not jump.
  const scroller = page.getByTestId('message-scroll');
  const target = page.getByText('Message number 9940', { exact: true });
  for (let i = 0; i < 40 && !(await target.isVisible()); i++) {
    await scroller.evaluate((el) => el.scrollBy(0, -300));
    await page.waitForTimeout(100);
  }
  await expect(target).toBeVisible();
  expect(await page.locator('article.message').count()).toBeLessThan(60);

  // The reading position comes back after a reload.
  await page.waitForTimeout(400);
  await reload(page);
  await expect(page.getByText('Message number 9940', { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('Message number 9999', { exact: true })).not.toBeInViewport();
});
