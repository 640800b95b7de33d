// The share page over a real link from the real sync server on loopback: a
// conversation shared with all its branches opens on the branch its owner
// saw, and the reader steps through versions as in the app.
import { type ChatStorageAdapter, createShareLink, createSyncClient } from '@chatkeep/storage';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { type RunningSyncServer, startSyncServer } from '../../test/sync-server.js';
import { SharePage } from './SharePage.js';

let server: RunningSyncServer;
let storage: ChatStorageAdapter;
let token: string;

const say = (id: string, role: 'user' | 'assistant', content: string, parentId: string | null) =>
  storage.saveMessage({ id, conversationId: 'c1', projectId: 'default', role, content, parentId });

beforeAll(async () => {
  server = await startSyncServer();
  // The page comes from the sync server, as in production: its API is same-origin.
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/`);
  ({ token } = await createSyncClient({ serverUrl: server.url }).signup(
    `reader-${Date.now().toString(36)}`,
    'long enough password',
  ));
  storage = await openTestStorage();
  await storage.createConversation({ id: 'c1', projectId: 'default', title: 'Lisbon plans' });
  // Where to eat? -> first answer -> a follow-up; then a regenerated second answer, shown by the owner.
  await say('q', 'user', 'Where to eat?', null);
  await say('a1', 'assistant', 'First answer: Time Out Market.', 'q');
  await say('q2', 'user', 'And after that?', 'a1');
  await say('a2', 'assistant', 'Second answer: Cervejaria Ramiro.', 'q');
  await storage.selectVersion('c1', 'a2');
});
afterAll(async () => {
  await storage?.close();
  await server?.close();
});

/** The text of each message shown, in order (the conversation itself is an article too). */
const shownTexts = () =>
  screen
    .getAllByRole('article')
    .filter((a) => a.getAttribute('aria-label')?.endsWith(' message'))
    .map((a) => a.textContent ?? '');

describe('the share page with all branches shared', () => {
  it('opens on the owner’s branch and lets the reader switch versions like the app', async () => {
    const { url } = await createShareLink(storage, {
      conversationId: 'c1',
      serverUrl: server.url,
      token,
      branches: 'all',
    });
    render(<SharePage href={url} />);
    await screen.findByRole('heading', { name: 'Lisbon plans' }, { timeout: 10_000 });
    await waitFor(() => expect(shownTexts().length).toBe(2));
    expect(shownTexts()[1]).toMatch(/Second answer/);
    expect(screen.getByText('2/2')).toBeTruthy();
    expect(screen.queryByText(/And after that/)).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Previous version' }));
    // The other version, with the newest branch under it.
    await waitFor(() => expect(screen.getByText(/And after that/)).toBeTruthy());
    const texts = shownTexts();
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/First answer/);
    expect(screen.getByText('1/2')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Previous version' }) as HTMLButtonElement).disabled).toBe(
      true,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Next version' }));
    await waitFor(() => expect(screen.queryByText(/And after that/)).toBeNull());
    expect(shownTexts()[1]).toMatch(/Second answer/);
  });

  it('a link of the active branch only shows no version switch', async () => {
    const { url } = await createShareLink(storage, { conversationId: 'c1', serverUrl: server.url, token });
    render(<SharePage href={url} />);
    const heading = await screen.findByRole('heading', { name: 'Lisbon plans' }, { timeout: 10_000 });
    expect(heading).toBeTruthy();
    await waitFor(() => expect(shownTexts().length).toBe(2));
    expect(screen.queryByRole('button', { name: 'Previous version' })).toBeNull();
    expect(within(document.body).queryByText(/2\/2/)).toBeNull();
  });
});
