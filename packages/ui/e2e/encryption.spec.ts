import { expect, test } from '@playwright/test';
import { openApp } from './helpers.js';
import { authenticate, chat, item, newDevice, openSettings, syncStatus, uniqueUser } from './sync-helpers.js';

// Two devices and two key derivations at the full default PBKDF2 iterations.
test.describe.configure({ timeout: 60_000 });

const PASSPHRASE = 'four unrelated words here';

test('turning on end-to-end encryption: the other device asks for the passphrase, unlocks, then syncs', async ({
  page,
  browser,
}) => {
  const user = uniqueUser('e2ee');
  await openApp(page);
  await chat(page, 'Written before encryption');
  await authenticate(page, 'Sign up', user);
  const other = await newDevice(browser);
  await authenticate(other, 'Sign in', user);
  await expect(item(other, 'Written before encryption')).toBeVisible();

  const settings = await openSettings(page);
  const checkbox = settings.getByRole('checkbox', { name: 'End-to-end encryption' });
  await checkbox.check();
  await settings.getByLabel('New passphrase').fill(PASSPHRASE);
  await settings.getByLabel('Repeat the passphrase').fill(PASSPHRASE);
  await settings.getByRole('button', { name: 'Continue' }).click();
  const recoveryKey = await settings.getByLabel('Your recovery key').inputValue();
  expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){13}[0-9A-Z]{4}$/);
  const confirm = settings.getByRole('button', { name: 'Turn on encryption' });
  // Not before the recovery key was confirmed by typing its last group back.
  await expect(confirm).toBeDisabled();
  await settings.getByLabel('Type the last group of the recovery key').fill(recoveryKey.slice(-4));
  await confirm.click();
  await expect(settings.getByText('End-to-end encryption is on')).toBeVisible({ timeout: 15_000 });
  await expect(checkbox).toBeChecked();
  await settings.getByRole('button', { name: 'Close' }).click();
  await expect(syncStatus(page)).toContainText('Synced', { timeout: 15_000 });

  // The other device learns of it from the live stream and stops syncing; its data stays readable.
  await expect(syncStatus(other)).toContainText(
    'This account is encrypted: enter your passphrase to keep syncing',
    { timeout: 15_000 },
  );
  await expect(item(other, 'Written before encryption')).toBeVisible();
  const unlock = await openSettings(other);
  await unlock.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock.getByRole('alert')).toContainText('does not unlock');
  await expect(unlock.getByRole('checkbox', { name: 'Remember on this device' })).toBeChecked();
  await unlock.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock.getByRole('checkbox', { name: 'End-to-end encryption' })).toBeChecked();
  await expect(unlock.getByRole('button', { name: 'Change passphrase' })).toBeVisible({ timeout: 15_000 });
  await unlock.getByRole('button', { name: 'Close' }).click();
  await expect(syncStatus(other)).toContainText('Synced', { timeout: 15_000 });

  await chat(page, 'Sent once encrypted');
  await expect(item(other, 'Sent once encrypted')).toBeVisible({ timeout: 15_000 });
  await other.context().close();
});
