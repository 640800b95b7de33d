import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { conversations, openApp, send, waitForAnswerDone } from './helpers.js';

/** Every axe violation on the page, as "rule: target" lines, so a failure says what to fix. */
async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${v.help})`));
}

// axe takes a few seconds a run on a busy machine.
test.describe.configure({ timeout: 90_000 });

test('axe finds no violations while an answer streams, in light and dark', async ({ page }) => {
  await openApp(page);
  await send(page, 'Tell me a long story');
  await expect(page.getByText(/Part 1\./)).toBeVisible({ timeout: 30_000 });
  expect(await axeViolations(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
});

test('axe finds no violations with an answer and open search filters; a finished answer is announced', async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page);
  await send(page, 'What is 2 + 2?');
  await waitForAnswerDone(page);
  // Announced politely, without moving focus.
  await expect(page.getByRole('status', { name: 'Announcements' })).toHaveText(/Answer finished/);
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('calculator');
  await page.getByRole('button', { name: 'Filters' }).click();
  await expect(page.getByRole('region', { name: 'Message matches' }).getByRole('listitem')).not.toHaveCount(
    0,
  );
  expect(await axeViolations(page)).toEqual([]);
});

test('focus returns to the opener after Settings, Keyboard shortcuts and the ⋯ menu close', async ({
  page,
}) => {
  await openApp(page);
  await send(page, 'What is 2 + 2?');

  const settings = page.getByRole('button', { name: 'Settings' });
  await settings.click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Settings' })).toHaveCount(0);
  await expect(settings).toBeFocused();

  const shortcuts = page.getByRole('button', { name: 'Keyboard shortcuts' });
  await shortcuts.click();
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(shortcuts).toBeFocused();

  const menuButton = conversations(page).getByRole('button', { name: /^Actions for / });
  await menuButton.click();
  await expect(page.getByRole('menuitem', { name: 'Rename' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(menuButton).toBeFocused();

  // A dialog opened from the menu returns focus to ⋯ as well.
  await menuButton.click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page
    .getByRole('dialog', { name: 'Delete conversation?' })
    .getByRole('button', { name: 'Cancel' })
    .click();
  await expect(menuButton).toBeFocused();

  // The skip link is the stop before the sidebar's first control, and lands in the message box.
  await page.getByRole('combobox', { name: 'Project' }).focus();
  await page.keyboard.press('Shift+Tab');
  const skip = page.getByRole('link', { name: 'Skip to message box' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
});

test('on a phone the drawer holds focus, Esc closes it and focus returns; actions show without hover', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 }, hasTouch: true });
  const page = await context.newPage();
  await openApp(page);
  await send(page, 'What is 2 + 2?');
  // Touch screens cannot hover: message actions are shown as they are.
  await expect(page.getByRole('button', { name: 'Copy message' }).first()).toHaveCSS('opacity', '1');

  const toggle = page.getByRole('button', { name: 'Show conversations' });
  await toggle.click();
  const drawer = page.getByRole('complementary', { name: 'Sidebar' });
  await expect(drawer.getByRole('button', { name: 'Hide conversations' })).toBeFocused();
  await expect(drawer.getByRole('button', { name: /^Actions for / })).toHaveCSS('opacity', '1');
  expect(await axeViolations(page)).toEqual([]);
  // Tab through every control and back around: focus never leaves the drawer.
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('aside'))).toBe(true);
  }
  await page.keyboard.press('Shift+Tab');
  expect(await page.evaluate(() => !!document.activeElement?.closest('aside'))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(drawer).not.toBeInViewport();
  await expect(toggle).toBeFocused();
  expect(await axeViolations(page)).toEqual([]);
  await context.close();
});
