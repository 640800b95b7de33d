// Settings › Sync › End-to-end encryption over the page's real sync runtime,
// the IndexedDB adapter (fake-indexeddb) and the real sync server on
// loopback: set-up with the recovery key confirmed, a wrong passphrase told,
// the passphrase changed, turning it off only once confirmed, and unlocking
// an account encrypted elsewhere.
import {
  type ChatStorageAdapter,
  createSyncClient,
  createSyncEngine,
  memoryKeyStore,
  type SyncableChatStorage,
} from '@chatkeep/storage';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { type RunningSyncServer, startSyncServer } from '../../test/sync-server.js';
import { confirmationPart, EncryptionSection } from './EncryptionSection.js';
import { getSyncRuntime, startSync } from './sync-service.js';
import { type SyncAccount, syncSettings } from './sync-settings.js';

const PASSPHRASE = 'correct horse battery staple';
const NEXT = 'a passphrase changed later';
// Key derivation runs at its real cost (DEFAULT_PBKDF2_ITERATIONS) on a shared machine.
const SLOW = { timeout: 15_000 };

let server: RunningSyncServer;
let storage: ChatStorageAdapter;
let account: SyncAccount;
let n = 0;

async function signUp(): Promise<SyncAccount> {
  const username = `enc${++n}-${Date.now().toString(36)}`;
  const { token, userId } = await createSyncClient({ serverUrl: server.url }).signup(
    username,
    'long enough password',
  );
  return { username, userId, token };
}

const accountKeys = (token: string) => createSyncClient({ serverUrl: server.url }).accountKeys(token);
const encryptionState = () => getSyncRuntime()?.getStatus().encryption;

beforeAll(async () => {
  server = await startSyncServer();
  // The page comes from the sync server, as in production: its API is same-origin.
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/`);
  localStorage.clear();
  storage = await openTestStorage();
  await storage.createConversation({ projectId: 'default', title: 'Private notes' });
  account = await signUp();
  syncSettings.getState().setServerUrl(server.url);
  syncSettings.getState().signedIn(account);
  syncSettings.getState().setEnabled(true);
  await startSync(storage);
  await getSyncRuntime()?.settled();
  await waitFor(() => expect(encryptionState()).toBe('off'), SLOW);
}, 30_000);
afterAll(async () => {
  await getSyncRuntime()?.shutdown();
  await storage?.close();
  await server?.close();
});

function renderSection() {
  render(<EncryptionSection />);
  return screen.getByRole('checkbox', { name: 'End-to-end encryption' }) as HTMLInputElement;
}

function typeInto(container: HTMLElement, label: string, value: string) {
  fireEvent.change(within(container).getByLabelText(label), { target: { value } });
}

describe('End-to-end encryption settings', () => {
  it('set-up: the passphrase is checked, the recovery key must be confirmed, then encryption is on', async () => {
    const checkbox = renderSection();
    expect(checkbox.checked).toBe(false);
    fireEvent.click(checkbox);
    const form = screen.getByRole('form', { name: 'Set a passphrase' });

    typeInto(form, 'New passphrase', 'short');
    typeInto(form, 'Repeat the passphrase', 'short');
    fireEvent.click(within(form).getByRole('button', { name: 'Continue' }));
    expect(within(form).getByRole('alert').textContent).toMatch(/at least 8 characters/);

    typeInto(form, 'New passphrase', PASSPHRASE);
    typeInto(form, 'Repeat the passphrase', `${PASSPHRASE}!`);
    fireEvent.click(within(form).getByRole('button', { name: 'Continue' }));
    expect(within(form).getByRole('alert').textContent).toMatch(/entries differ/);

    typeInto(form, 'Repeat the passphrase', PASSPHRASE);
    fireEvent.click(within(form).getByRole('button', { name: 'Continue' }));
    const confirm = await screen.findByRole('form', { name: 'Recovery key' }, SLOW);
    const recoveryKey = (within(confirm).getByLabelText('Your recovery key') as HTMLInputElement).value;
    expect(recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/);
    const turnOn = within(confirm).getByRole('button', { name: 'Turn on encryption' }) as HTMLButtonElement;
    expect(turnOn.disabled).toBe(true);
    // Nothing is on the server before the key is confirmed.
    expect((await accountKeys(account.token)).encrypted).toBe(false);

    const last = confirmationPart(recoveryKey);
    const wrong = `${last.slice(0, -1)}${last.endsWith('A') ? 'B' : 'A'}`;
    typeInto(confirm, 'Type the last group of the recovery key', wrong);
    expect(turnOn.disabled).toBe(true);
    typeInto(confirm, 'Type the last group of the recovery key', last.toLowerCase());
    expect(turnOn.disabled).toBe(false);
    fireEvent.click(turnOn);

    await screen.findByText(/End-to-end encryption is on/, undefined, SLOW);
    expect(checkbox.checked).toBe(true);
    await waitFor(() => expect(encryptionState()).toBe('on'), SLOW);
    const keys = await accountKeys(account.token);
    expect(keys.encrypted).toBe(true);
    expect(JSON.stringify(keys)).not.toContain(PASSPHRASE);
  });

  it('changing the passphrase: a wrong current one is told and changes nothing; the right one changes it', async () => {
    renderSection();
    fireEvent.click(screen.getByRole('button', { name: 'Change passphrase' }));
    const form = screen.getByRole('form', { name: 'Change passphrase' });
    const before = await accountKeys(account.token);

    typeInto(form, 'Current passphrase', 'not the passphrase');
    typeInto(form, 'New passphrase', NEXT);
    typeInto(form, 'Repeat the passphrase', NEXT);
    fireEvent.click(within(form).getByRole('button', { name: 'Change passphrase' }));
    const alert = await screen.findByRole('alert', undefined, SLOW);
    expect(alert.textContent).toMatch(/does not unlock/);
    expect((await accountKeys(account.token)).revision).toBe(before.revision);

    typeInto(form, 'Current passphrase', PASSPHRASE);
    typeInto(form, 'Repeat the passphrase', 'something else');
    fireEvent.click(within(form).getByRole('button', { name: 'Change passphrase' }));
    expect(within(form).getByRole('alert').textContent).toMatch(/entries differ/);

    typeInto(form, 'Repeat the passphrase', NEXT);
    fireEvent.click(within(form).getByRole('button', { name: 'Change passphrase' }));
    await screen.findByText(/Passphrase changed/, undefined, SLOW);
    expect(screen.queryByRole('alert')).toBeNull();
    const after = await accountKeys(account.token);
    expect(after.revision).toBeGreaterThan(before.revision);
    expect(after.encrypted).toBe(true);

    // The old passphrase no longer opens the key: told so.
    fireEvent.click(screen.getByRole('button', { name: 'Change passphrase' }));
    const again = screen.getByRole('form', { name: 'Change passphrase' });
    typeInto(again, 'Current passphrase', PASSPHRASE);
    typeInto(again, 'New passphrase', 'yet another passphrase');
    typeInto(again, 'Repeat the passphrase', 'yet another passphrase');
    fireEvent.click(within(again).getByRole('button', { name: 'Change passphrase' }));
    expect((await screen.findByRole('alert', undefined, SLOW)).textContent).toMatch(/does not unlock/);
    fireEvent.click(within(again).getByRole('button', { name: 'Cancel' }));
  });

  it('turning it off asks for confirmation first; confirmed, the server takes plaintext again', async () => {
    const checkbox = renderSection();
    expect(checkbox.checked).toBe(true);
    fireEvent.click(checkbox);
    const panel = screen.getByRole('group', { name: 'Turn off encryption' });
    expect(panel.textContent).toMatch(/uploaded again unencrypted/);
    fireEvent.click(within(panel).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group', { name: 'Turn off encryption' })).toBeNull();
    expect((await accountKeys(account.token)).encrypted).toBe(true);
    expect(encryptionState()).toBe('on');

    fireEvent.click(checkbox);
    fireEvent.click(
      within(screen.getByRole('group', { name: 'Turn off encryption' })).getByRole('button', {
        name: 'Turn off encryption',
      }),
    );
    await screen.findByText(/End-to-end encryption is off/, undefined, SLOW);
    expect(checkbox.checked).toBe(false);
    expect(encryptionState()).toBe('off');
    expect((await accountKeys(account.token)).encrypted).toBe(false);
  });

  it('an account encrypted on another device asks for the passphrase; a wrong one is told, the right one unlocks', async () => {
    // Another device (its own database and engine) turns encryption on for a new account.
    const other = await signUp();
    const otherStorage = (await openTestStorage()) as SyncableChatStorage;
    const engine = createSyncEngine({
      adapter: otherStorage,
      serverUrl: server.url,
      token: other.token,
      userId: other.userId,
      keyStore: memoryKeyStore(),
      live: false,
      locks: null,
    });
    try {
      await (await engine.encryption.prepare(PASSPHRASE, { iterations: 1_000 })).turnOn();
    } finally {
      await otherStorage.close();
    }

    syncSettings.getState().signedIn(other);
    await getSyncRuntime()?.settled();
    await waitFor(() => expect(encryptionState()).toBe('locked'), SLOW);
    const checkbox = renderSection();
    expect(checkbox.disabled).toBe(true);
    const form = screen.getByRole('form', { name: 'Unlock encryption' });
    expect(form.textContent).toMatch(/This account is encrypted: enter your passphrase to keep syncing/);

    typeInto(form, 'Passphrase', 'not the passphrase');
    fireEvent.click(within(form).getByRole('button', { name: 'Unlock' }));
    expect((await within(form).findByRole('alert', undefined, SLOW)).textContent).toMatch(/does not unlock/);
    expect(encryptionState()).toBe('locked');

    typeInto(form, 'Passphrase', PASSPHRASE);
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Remember on this device' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Unlock' }));
    await waitFor(() => expect(encryptionState()).toBe('on'), SLOW);
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Unlock encryption' })).toBeNull());
    expect(checkbox.checked).toBe(true);
  });
});
