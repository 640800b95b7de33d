import { expect, test } from '@playwright/test';
import { openApp, send, waitForAnswerDone } from './helpers.js';

test('Markdown renders, but raw HTML and unsafe links never run', async ({ page }) => {
  await openApp(page);
  await page.evaluate(() => {
    (window as unknown as { pwned: number }).pwned = 0;
  });
  // The demo assistant quotes the prompt back, so this text reaches the Markdown renderer.
  await send(
    page,
    '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> [click](javascript:window.pwned=3)',
  );
  await waitForAnswerDone(page);
  const answer = page.locator('article.message-assistant');
  await expect(answer).toContainText('<img src=x onerror="window.pwned=1">');
  await expect(answer.locator('img, script')).toHaveCount(0);
  await expect(answer.getByRole('link', { name: 'click' })).toHaveCount(0);
  await answer.getByText('click').click();
  expect(await page.evaluate(() => (window as unknown as { pwned: number }).pwned)).toBe(0);

  await send(page, 'Show me some markdown');
  await waitForAnswerDone(page);
  const showcase = page.locator('article.message-assistant').last();
  await expect(showcase.getByRole('table')).toBeVisible();
  const link = showcase.getByRole('link', { name: 'links' });
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(showcase.getByRole('button', { name: 'Copy code' })).toBeVisible();
});
