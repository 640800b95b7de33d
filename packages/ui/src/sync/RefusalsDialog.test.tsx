// The Refused changes dialog over the real runtime and IndexedDB adapter
// (fake-indexeddb): the refusal is stored as the engine stores a server's
// answer, then listed, worded and acted on.
import { type ChatStorageAdapter, newId, type SyncableChatStorage } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { StorageProvider } from '../data/storage-context.js';
import { useUi } from '../data/ui-store.js';
import { useJump } from '../search/jump.js';
import { RefusalsDialog, whatItIs } from './RefusalsDialog.js';
import { startSync } from './sync-service.js';

const MiB = 1024 * 1024;
let storage: ChatStorageAdapter;
let sync: SyncableChatStorage;

beforeAll(async () => {
  storage = await openTestStorage();
  sync = storage as SyncableChatStorage;
  await startSync(storage);
});
afterAll(() => storage.close());

let conversationId: string;
// One database for the file (the page's one runtime): each test has its own conversation.
let title = '';
let n = 0;
beforeEach(async () => {
  title = `Trip notes ${++n}`;
  const c = await storage.createConversation({ projectId: 'trips', title });
  conversationId = c.id;
  const m = await storage.saveMessage({
    id: newId(),
    conversationId,
    projectId: 'trips',
    role: 'user',
    content: `Here is my whole photo archive as text: ${'x'.repeat(500)}`,
  });
  const meta = await sync.getSyncMetadata('message', m.id);
  await sync.markRejected([
    {
      kind: 'message',
      id: m.id,
      hlc: meta!.hlc,
      reason: 'The record is 5452595 bytes of JSON; a record may be at most 4194304 bytes (4 MiB).',
      code: 'too-large',
      size: 5.2 * MiB,
      limit: 4 * MiB,
    },
  ]);
});

function renderDialog() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <StorageProvider value={storage}>
        <RefusalsDialog open onClose={() => {}} />
      </StorageProvider>
    </QueryClientProvider>,
  );
}

const refusedItem = () => screen.findByRole('listitem', { name: `Refused: Your message in “${title}”` });

describe('Refused changes dialog', () => {
  it('lists what was refused and why, in words, with what the user can do', async () => {
    renderDialog();
    const item = await refusedItem();
    expect(within(item).getByText(/^“Here is my whole photo archive as text: x+…”$/)).toBeTruthy();
    expect(within(item).getByText('Why: too large: 5.2 MB, this server takes up to 4 MB.')).toBeTruthy();
    for (const name of ['Shorten', 'Keep on this device only', 'Retry']) {
      expect(within(item).getByRole('button', { name })).toBeTruthy();
    }
  });

  it('Keep on this device only takes it out of sync for good; Sync again puts it back', async () => {
    renderDialog();
    const item = await refusedItem();
    const [refused] = (await sync.listRefused()).filter((r) => r.conversationId === conversationId);
    fireEvent.click(within(item).getByRole('button', { name: 'Keep on this device only' }));
    const kept = await screen.findByRole('listitem', { name: `Kept here: Your message in “${title}”` });
    expect((await sync.getSyncMetadata('message', refused!.id))?.syncStatus).toBe('local-only');
    const outbox = async () => (await sync.pendingChanges(1000)).map((c) => c.id);
    expect(await outbox()).not.toContain(refused!.id);

    fireEvent.click(within(kept).getByRole('button', { name: 'Sync again' }));
    await waitFor(async () => {
      expect((await sync.getSyncMetadata('message', refused!.id))?.syncStatus).toBe('pending');
    });
    expect(await outbox()).toContain(refused!.id);
  });

  it('Shorten opens the conversation with the message in its editor', async () => {
    renderDialog();
    const item = await refusedItem();
    fireEvent.click(within(item).getByRole('button', { name: 'Shorten' }));
    const ui = useUi.getState();
    expect(ui.projectId).toBe('trips');
    expect(ui.activeByProject.trips).toBe(conversationId);
    expect(useJump.getState().target).toMatchObject({ conversationId, edit: true });
  });

  it('names what each record is', () => {
    const base = { projectId: 'p', hlc: 'h', state: 'refused' as const };
    expect(whatItIs({ ...base, kind: 'conversation', id: 'c', conversationId: 'c', title: 'Plans' })).toBe(
      'Conversation “Plans”',
    );
    expect(
      whatItIs({ ...base, kind: 'message', id: 'm', conversationId: 'c', title: '', role: 'assistant' }),
    ).toBe('An answer in “New chat”');
  });
});
