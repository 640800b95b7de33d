// "Share link" and Settings › Shared links against the real sync server:
// creating a link, listing it under its conversation's title, revoking it.
import { type ChatStorageAdapter, createSyncClient } from '@chatkeep/storage';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { type RunningSyncServer, startSyncServer } from '../../test/sync-server.js';
import { StorageProvider } from '../data/storage-context.js';
import { syncSettings } from '../sync/sync-settings.js';
import { ShareDialog } from './ShareDialog.js';
import { SharedLinksSection } from './SharedLinksSection.js';

let server: RunningSyncServer;
let storage: ChatStorageAdapter;

beforeAll(async () => {
  server = await startSyncServer();
  // The page comes from the sync server, as in production: its API is same-origin.
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/`);
  storage = await openTestStorage();
  await storage.createConversation({ id: 'c1', projectId: 'default', title: 'Lisbon plans' });
  await storage.saveMessage({
    id: 'q',
    conversationId: 'c1',
    projectId: 'default',
    role: 'user',
    content: 'Where?',
  });
});
afterAll(async () => {
  await storage?.close();
  await server?.close();
});
beforeEach(() => {
  localStorage.clear();
  syncSettings.getState().setServerUrl(server.url);
  syncSettings.getState().signedOut();
});

const renderDialog = async () => {
  const conversation = (await storage.getConversation('c1'))!;
  render(
    <StorageProvider value={storage}>
      <ShareDialog conversation={conversation} onClose={() => {}} />
    </StorageProvider>,
  );
  return screen.getByRole('dialog', { name: 'Share link' });
};

describe('share links in the app', () => {
  it('signed out, "Share link" says to sign in to sync first and offers nothing to create', async () => {
    const dialog = await renderDialog();
    expect(within(dialog).getByRole('alert').textContent).toMatch(/Sign in under Settings › Sync/);
    expect(within(dialog).queryByRole('button', { name: 'Create link' })).toBeNull();
  });

  it('signed in, a link is created, listed under its title in Settings and revoked there', async () => {
    const username = `sharer-${Date.now().toString(36)}`;
    const { token, userId } = await createSyncClient({ serverUrl: server.url }).signup(
      username,
      'long enough password',
    );
    syncSettings.getState().signedIn({ username, userId, token });

    const dialog = await renderDialog();
    fireEvent.click(within(dialog).getByRole('radio', { name: /all branches/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create link' }));
    const box = (await within(dialog).findByRole('textbox', {
      name: /Link to “Lisbon plans”/,
    })) as HTMLInputElement;
    expect(box.value).toMatch(new RegExp(`^${server.url}/s/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$`));

    render(<SharedLinksSection />);
    const list = await screen.findByRole('list', { name: 'Your shared links' });
    expect(within(list).getByText('“Lisbon plans”')).toBeTruthy();
    fireEvent.click(within(list).getByRole('button', { name: 'Revoke “Lisbon plans”' }));
    await waitFor(() => expect(within(list).getByText('Revoked')).toBeTruthy());
    expect(within(list).queryByRole('button', { name: /Revoke/ })).toBeNull();
  });
});
