import { expect, test } from '@playwright/test';
import { openApp, send, waitForAnswerDone } from './helpers.js';

test('offline, the app keeps working and says so', async ({ page, context }) => {
  await openApp(page);
  await context.setOffline(true);
  await expect(page.getByRole('alert')).toContainText('works offline');
  await send(page, 'Are you there while offline?');
  await waitForAnswerDone(page);
  await expect(page.locator('article.message-assistant')).toContainText('demo assistant');

  await context.setOffline(false);
  await expect(page.getByRole('alert').filter({ hasText: 'works offline' })).toHaveCount(0);
});
