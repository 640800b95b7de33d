import { expect, type Page, test } from '@playwright/test';
import { holdOlderVersion, type OlderVersionTab } from '../test/older-version.js';
import { conversations, openApp, reload, send, waitForAnswerDone } from './helpers.js';

// Two tabs and an answer streamed in each test: more than the default budget on a busy machine.
test.describe.configure({ timeout: 90_000 });

/** The keys of Chatkeep's localStorage database (history kept there when IndexedDB cannot be used). */
const fallbackKeys = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('chatkeep:chatkeep:')));

/** The history database as the browser holds it, read with the raw IndexedDB API. */
function readDatabase(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ version: number; messages: string[]; pending: number }>((resolve, reject) => {
        const request = indexedDB.open('chatkeep');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const tx = db.transaction(['messages', 'sync_metadata']);
          const messages = tx.objectStore('messages').getAll();
          const metas = tx.objectStore('sync_metadata').getAll();
          tx.oncomplete = () => {
            db.close();
            resolve({
              version: db.version,
              messages: messages.result.map((m: { content: string }) => m.content),
              pending: metas.result.filter((m: { syncStatus: string }) => m.syncStatus === 'pending').length,
            });
          };
        };
      }),
  );
}

test('a tab blocked by an older version asks to close the other tabs, never switches storage, and opens with nothing lost', async ({
  context,
}) => {
  // A tab of an older version: history on the first schema, and it never closes on versionchange.
  const older = await context.newPage();
  await older.goto('/favicon.svg');
  await older.evaluate(holdOlderVersion, {
    conversation: { id: 'older-c', title: 'Kept through the upgrade' },
    messages: [
      { id: 'older-1', role: 'user', content: 'Asked in the older version' },
      { id: 'older-2', role: 'assistant', content: 'Answered in the older version' },
    ],
  });
  const askedToClose = () =>
    older.evaluate(() => (globalThis as { olderVersionTab?: OlderVersionTab }).olderVersionTab?.askedToClose);

  const tab = await context.newPage();
  await tab.goto('/');
  const blocked = tab.getByRole('alert').filter({
    has: tab.getByRole('heading', { name: 'Close or reload the other Chatkeep tabs' }),
  });
  await expect(blocked).toBeVisible();
  await expect(tab.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  expect(await askedToClose()).toBe(1);

  // Retry while the older tab still holds it: the same screen, and nothing saved anywhere else.
  await blocked.getByRole('button', { name: 'Retry' }).click();
  await expect(blocked.getByRole('status')).toHaveText('Another Chatkeep tab still holds it open.');
  await expect(tab.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  expect(await fallbackKeys(tab)).toEqual([]);

  // The older tab is closed: this one opens by itself, the upgrade done in place.
  await older.close();
  await expect(tab.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await conversations(tab).getByRole('button', { name: 'Kept through the upgrade', exact: true }).click();
  await expect(tab.locator('article.message-user')).toHaveText(/Asked in the older version/);
  await expect(tab.locator('article.message-assistant')).toHaveText(/Answered in the older version/);
  await send(tab, 'Written after the upgrade');
  await waitForAnswerDone(tab);
  expect(await fallbackKeys(tab)).toEqual([]);

  await reload(tab);
  await expect(tab.locator('article.message-user')).toHaveCount(2);
  const stored = await readDatabase(tab);
  expect(stored.version).toBeGreaterThan(1);
  expect(stored.messages).toEqual(
    expect.arrayContaining([
      'Asked in the older version',
      'Answered in the older version',
      'Written after the upgrade',
    ]),
  );
});

test('what a tab wrote to localStorage while IndexedDB was unavailable is merged into IndexedDB when it opens again', async ({
  context,
}) => {
  // A browser that refuses IndexedDB for a while: the app falls back to localStorage.
  const away = await context.newPage();
  await away.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await openApp(away);
  await send(away, 'Written while IndexedDB was unavailable');
  await waitForAnswerDone(away);
  expect(await fallbackKeys(away)).toContain('chatkeep:chatkeep:meta');
  await away.close();

  const tab = await context.newPage();
  await openApp(tab);
  await expect(tab.getByRole('status', { name: 'Merge notice' })).toContainText(
    'Merged 1 conversation (2 messages)',
  );
  await conversations(tab).getByRole('listitem').getByRole('button').first().click();
  await expect(tab.locator('article.message-user')).toHaveText(/Written while IndexedDB was unavailable/);
  await expect(tab.locator('article.message-assistant')).toHaveCount(1);
  expect(await fallbackKeys(tab)).toEqual([]);
  const stored = await readDatabase(tab);
  expect(stored.messages).toHaveLength(2);
  expect(stored.messages).toContain('Written while IndexedDB was unavailable');
  // Still waiting to be pushed once sync is on: the conversation and both messages.
  expect(stored.pending).toBe(3);

  // Merged once: the next start has nothing more to bring and says nothing.
  await reload(tab);
  await expect(tab.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(conversations(tab).getByRole('listitem')).toHaveCount(1);
  await expect(tab.getByRole('status', { name: 'Merge notice' })).toHaveCount(0);
});
