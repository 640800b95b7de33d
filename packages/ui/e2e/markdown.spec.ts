import { expect, test } from '@playwright/test';
import { openApp, reload, send, waitForAnswerDone } from './helpers.js';

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

test('code is highlighted with its language and math typeset, after the first paint; the theme switches at once and stays', async ({
  page,
}) => {
  test.setTimeout(60_000); // a streamed answer, Settings and a reload, one after the other
  await openApp(page);
  // Nothing heavy before it is needed: the first screen loads neither KaTeX nor the grammars.
  const loaded = () =>
    page.evaluate(() => performance.getEntriesByType('resource').some((r) => /markdown-rich/.test(r.name)));
  expect(await loaded()).toBe(false);

  await send(page, 'Show me some markdown');
  await waitForAnswerDone(page);
  const answer = page.locator('article.message-assistant').last();
  const block = answer.locator('.code-block');
  await expect(block.locator('.code-language')).toHaveText('ts');
  await expect(block.locator('.hljs-keyword').first()).toHaveText('import');
  await expect(block.locator('.hljs-string').first()).toHaveText("'@chatkeep/storage'");
  // Inline and display math: KaTeX's rendering, with the TeX kept for screen readers and copy.
  await expect(answer.locator('.katex')).toHaveCount(2);
  await expect(answer.locator('.katex-display annotation')).toHaveText('\\int_0^1 x^2\\,dx = \\frac{1}{3}');
  await expect(answer.locator('.katex annotation').first()).toHaveText('E=mc^2');
  // KaTeX's own fonts, from the app's origin.
  const fonts = await page.evaluate(() =>
    document.fonts.ready.then((set) => [...set].filter((f) => f.status === 'loaded').map((f) => f.family)),
  );
  expect(fonts.some((f) => f.startsWith('KaTeX'))).toBe(true);
  expect(await loaded()).toBe(true);

  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const theme = settings.getByRole('group', { name: 'Theme' });
  await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
  const light = await background();
  await theme.getByRole('radio', { name: 'Dark' }).check();
  await expect.poll(background).not.toBe(light);
  const dark = await background();
  await reload(page);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  expect(await background()).toBe(dark);
});
