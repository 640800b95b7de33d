import { expect, type Page, test } from '@playwright/test';
import { conversations, openApp, reload, send, waitForAnswerDone } from './helpers.js';
import { authenticate, newDevice, syncNow, uniqueUser } from './sync-helpers.js';

/** Starts a conversation; its address once the first message is saved (the answer may still stream). */
async function chat(page: Page, text: string, opts: { waitForAnswer?: boolean } = {}) {
  const before = page.url();
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, text);
  await expect(page).not.toHaveURL(before);
  await expect(page).toHaveURL(/\/c\/[^/]+$/);
  if (opts.waitForAnswer) await waitForAnswerDone(page);
  return new URL(page.url()).pathname;
}

const title = (page: Page) => page.getByRole('main', { name: 'Chat' }).getByRole('heading', { level: 1 });

test('each conversation has its own address: Back, Forward, reload and a new tab open it', async ({
  page,
  context,
}) => {
  await openApp(page);
  const first = await chat(page, 'First topic');
  const second = await chat(page, 'Second topic');
  const third = await chat(page, 'Third topic');

  await page.goBack();
  await expect(page).toHaveURL(second);
  await expect(title(page)).toHaveText('Second topic');
  await page.goBack();
  await expect(page).toHaveURL(first);
  await expect(title(page)).toHaveText('First topic');
  await page.goForward();
  await expect(title(page)).toHaveText('Second topic');
  await reload(page);
  await expect(page).toHaveURL(second);
  await expect(title(page)).toHaveText('Second topic');
  await expect(page.getByRole('article').first()).toContainText('Second topic');

  const tab = await context.newPage();
  await tab.goto(third);
  await expect(title(tab)).toHaveText('Third topic');
  await expect(tab.getByRole('article').first()).toContainText('Third topic');
  await tab.goto('/c/not-on-this-device');
  await expect(tab.getByRole('status').filter({ hasText: 'not on this device' })).toContainText(
    'turn on “Sync across devices”',
  );
});

const item = (page: Page, name: string) => conversations(page).getByRole('button', { name, exact: true });

test('a project is renamed, gets conversations by its menu and by dragging, and is deleted moving them back', async ({
  page,
}) => {
  await openApp(page);
  // Answers finish before their conversations move (a conversation still being answered does not move).
  await chat(page, 'Stays here');
  await chat(page, 'Moved by menu', { waitForAnswer: true });
  await chat(page, 'Moved by drag', { waitForAnswer: true });
  const project = page.getByRole('combobox', { name: 'Project', exact: true });
  const chosen = project.locator('option:checked');

  await page.getByRole('button', { name: 'New project' }).click();
  const create = page.getByRole('dialog', { name: 'New project' });
  await create.getByRole('textbox', { name: 'Project name' }).fill('Work');
  await create.getByRole('button', { name: 'Create' }).click();
  await expect(chosen).toHaveText('Work');
  await expect(page).toHaveURL(/\/p\/[0-9a-f-]{36}$/);
  await project.selectOption({ label: 'default' });

  await conversations(page).getByRole('button', { name: 'Actions for Moved by menu' }).click();
  await page.getByRole('menuitem', { name: 'Move to project…' }).click();
  const move = page.getByRole('dialog', { name: 'Move conversation' });
  await move.getByRole('combobox').selectOption({ label: 'Work' });
  await move.getByRole('button', { name: 'Move' }).click();
  await expect(item(page, 'Moved by menu')).toHaveCount(0);

  // Drag onto the project: the projects to drop on appear once the drag has started.
  const source = await item(page, 'Moved by drag').boundingBox();
  await page.mouse.move(source!.x + 10, source!.y + source!.height / 2);
  await page.mouse.down();
  await page.mouse.move(source!.x + 30, source!.y + source!.height / 2, { steps: 5 });
  const target = page.getByRole('region', { name: 'Move to project' }).getByText('Work', { exact: true });
  await expect(target).toBeVisible();
  const box = await target.boundingBox();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2, { steps: 5 });
  await page.mouse.up();
  // It was the open conversation: the app goes with it to its new project.
  await expect(chosen).toHaveText('Work');
  await expect(item(page, 'Stays here')).toHaveCount(0);
  await expect(item(page, 'Moved by menu')).toBeVisible();
  await expect(item(page, 'Moved by drag')).toBeVisible();
  await page.getByRole('button', { name: 'Rename project' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename project' });
  await rename.getByRole('textbox', { name: 'Project name' }).fill('Office');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(chosen).toHaveText('Office');
  await reload(page);
  await expect(chosen).toHaveText('Office');

  await page.getByRole('button', { name: 'Delete project' }).click();
  const remove = page.getByRole('dialog', { name: 'Delete project?' });
  await expect(remove).toContainText('“Office” holds 2 conversations with 4 messages. They will be deleted');
  await remove.getByRole('radio', { name: 'Move them to another project' }).check();
  await expect(remove).toContainText('They will move to “default”');
  await remove.getByRole('button', { name: 'Delete project' }).click();
  await expect(chosen).toHaveText('default');
  await expect(project.locator('option')).toHaveText(['default']);
  for (const name of ['Stays here', 'Moved by menu', 'Moved by drag'])
    await expect(item(page, name)).toBeVisible();
});

test('a link to a conversation made on another device opens once sync fetches it; offline it says the server cannot be asked', async ({
  page,
  browser,
}) => {
  test.setTimeout(60_000);
  const user = uniqueUser('link');
  await openApp(page);
  await authenticate(page, 'Sign up', user);
  const other = await newDevice(browser);
  // No live updates on this device: only what the link itself asks of the server brings the conversation.
  await other.context().route('**/v1/sync/events', (route) => route.abort());
  await authenticate(other, 'Sign in', user);

  const link = await chat(page, 'Made on the first device', { waitForAnswer: true });
  await syncNow(page);
  await other.waitForTimeout(1000);
  await expect(item(other, 'Made on the first device')).toHaveCount(0);

  const tab = await other.context().newPage();
  await tab.goto(link);
  await expect(title(tab)).toHaveText('Made on the first device', { timeout: 15_000 });
  await expect(tab.locator('article.message-assistant')).toHaveAttribute('data-status', 'complete');

  // Offline, the server cannot be asked: the page says so instead of saying the server does not have it.
  await tab.context().setOffline(true);
  await tab.evaluate(() => {
    history.pushState(null, '', '/c/not-fetched-yet');
    dispatchEvent(new PopStateEvent('popstate'));
  });
  const missing = tab.getByRole('status').filter({ hasText: 'not on this device' });
  await expect(missing).toContainText('cannot be reached', { timeout: 15_000 });
  await expect(missing).not.toContainText('does not have it');
  // Back online it asks again, and now the server can say it has no such conversation.
  await tab.context().setOffline(false);
  await expect(missing).toContainText('The sync server does not have it either', { timeout: 15_000 });
  await other.context().close();
});
