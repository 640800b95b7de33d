import { expect, test } from '@playwright/test';
import { conversations, openApp } from './helpers.js';
import { seedAccount, seededText, seededTitle } from './seed-account.js';
import { authenticate, item, syncStatus, uniqueUser } from './sync-helpers.js';

// 5,000 messages are seeded through the server first.
test.describe.configure({ timeout: 90_000 });

const CONVERSATIONS = 50;
const MESSAGES = 100;

test('a fresh device signing in to 5,000 messages shows the sidebar and opens a conversation before its history has downloaded', async ({
  page,
  baseURL,
}) => {
  const user = uniqueUser('fresh');
  await seedAccount(baseURL!, user, CONVERSATIONS, MESSAGES);

  // A slow link for message reads only (the real server answers them): the
  // download's answers, of many conversations each, take 1.5 s, long enough
  // to use the app meanwhile; a read of one conversation (the one clicked,
  // newest first) takes 0.5 s, and goes beside the download's, never behind it.
  await page.route('**/v1/sync/messages', async (route) => {
    const { conversations: named } = route.request().postDataJSON() as { conversations: string[] };
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, named.length > 1 ? 1_500 : 500));
    await route.fulfill({ response });
  });
  const newestFirst: string[] = [];
  await page.route(/\/v1\/sync\/conversations\/[^/]+\/messages/, async (route) => {
    newestFirst.push(new URL(route.request().url()).searchParams.get('order') ?? 'oldest');
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.fulfill({ response });
  });
  await openApp(page);
  await authenticate(page, 'Sign in', user);

  // The sidebar holds every conversation while the messages still download.
  await expect(item(page, seededTitle(CONVERSATIONS - 1))).toBeVisible();
  await expect(syncStatus(page)).toContainText(
    new RegExp(`Downloading history: \\d+ of ${CONVERSATIONS} conversations`),
  );

  // One of the oldest: the download reaches it last, so opening it fetches it on demand.
  const opened = 3;
  await conversations(page)
    .getByRole('button', { name: seededTitle(opened), exact: true })
    .click();
  await expect(page.getByText('Downloading this conversation from the sync server…')).toBeVisible();
  await expect(page.locator('article.message').last()).toContainText(
    seededText(opened, MESSAGES - 1).slice(0, 30),
  );
  await expect(syncStatus(page)).toContainText('Downloading history');
  // Read latest first: its 100 messages fit the first page.
  expect(newestFirst).toEqual(['newest']);

  // The rest arrives by itself, and the status says so.
  await expect(syncStatus(page)).not.toContainText('Downloading history', { timeout: 60_000 });
  await expect(syncStatus(page)).toContainText('Synced');
  await item(page, seededTitle(0)).click();
  await expect(page.locator('article.message').last()).toContainText(
    seededText(0, MESSAGES - 1).slice(0, 30),
  );
});
