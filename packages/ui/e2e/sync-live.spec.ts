import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { conversations, openApp, waitForAnswerDone } from './helpers.js';
import {
  authenticate,
  chat,
  item,
  newDevice,
  renameConversation,
  syncStatus,
  uniqueUser,
} from './sync-helpers.js';

/** Types the message and sends it; the other device's 3 s start once Send is pressed. */
async function sendMessage(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

// Two devices on one account, each chatting with the demo assistant: several answers, slow on a busy machine.
test.describe.configure({ timeout: 120_000 });

test('a message sent on one device appears on the other within 3 s, with nothing pressed there', async ({
  page,
  browser,
}) => {
  const user = uniqueUser('live');
  await openApp(page);
  await chat(page, 'Seed sowing dates');
  await authenticate(page, 'Sign up', user);

  const other = await newDevice(browser);
  await authenticate(other, 'Sign in', user);
  await item(other, 'Seed sowing dates').click();
  await expect(other.locator('article.message-user')).toHaveCount(1);
  // Both hold the server's live stream, and say so.
  await expect(syncStatus(page)).toContainText('Live');
  await expect(syncStatus(other)).toContainText('Live');

  // A question in the conversation open on both: the other device shows it, then the finished answer.
  await sendMessage(page, 'When do tomatoes go out?');
  await expect(other.locator('article.message-user').last()).toContainText('When do tomatoes go out?', {
    timeout: 3_000,
  });
  await waitForAnswerDone(page);
  await expect(other.locator('article.message-assistant').last()).toHaveAttribute('data-status', 'complete', {
    timeout: 3_000,
  });

  // A new conversation and a rename reach the other device's sidebar the same way.
  await page.getByRole('button', { name: 'New chat' }).click();
  await sendMessage(page, 'Compost ratios');
  await expect(item(other, 'Compost ratios')).toBeVisible({ timeout: 3_000 });
  await waitForAnswerDone(page);
  await renameConversation(page, 'Compost ratios', 'Compost, browns to greens');
  await expect(item(other, 'Compost, browns to greens')).toBeVisible({ timeout: 3_000 });
  await expect(conversations(other).getByRole('button', { name: 'Compost ratios', exact: true })).toHaveCount(
    0,
  );
  await other.context().close();
});
