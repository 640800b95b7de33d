import type { ChatStorageAdapter, Conversation } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { createInvalidator } from '../data/invalidation.js';
import { StorageProvider } from '../data/storage-context.js';
import { TagsDialog } from './TagsDialog.js';

let storage: ChatStorageAdapter;
let chat: Conversation;
beforeEach(async () => {
  storage = await openTestStorage();
  chat = await storage.createConversation({ projectId: 'p', title: 'Lisbon trip' });
  const other = await storage.createConversation({ projectId: 'p', title: 'Budget' });
  await storage.updateConversation(other.id, { tags: ['Work'] });
});
afterEach(() => storage.close());

function openDialog() {
  const client = new QueryClient();
  storage.subscribe(createInvalidator(client, { later: (fn) => fn() }));
  render(
    <QueryClientProvider client={client}>
      <StorageProvider value={storage}>
        <TagsDialog conversation={chat} onClose={() => {}} />
      </StorageProvider>
    </QueryClientProvider>,
  );
  return screen.getByRole('dialog', { name: 'Tags for Lisbon trip' });
}

const stored = async () => (await storage.getConversation(chat.id))?.tags;

function add(dialog: HTMLElement, text: string) {
  fireEvent.change(within(dialog).getByRole('combobox', { name: 'Add a tag' }), { target: { value: text } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Add tag' }));
}

describe('the tags dialog', () => {
  it('saves a typed tag tidied, and refuses an empty one and one the conversation has', async () => {
    const dialog = openDialog();
    add(dialog, '   ');
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/cannot be empty/);
    add(dialog, '  Road    trip ');
    await waitFor(async () => expect(await stored()).toEqual(['Road trip']));
    await within(dialog).findByRole('button', { name: 'Remove tag Road trip' });
    expect(within(dialog).queryByRole('alert')).toBeNull();
    add(dialog, 'ROAD TRIP');
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'This conversation is already tagged "Road trip".',
    );
    expect(await stored()).toEqual(['Road trip']);
  });

  it('offers the project’s other tags, reuses their spelling, and removes a tag', async () => {
    const dialog = openDialog();
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Add tag Work' }));
    await waitFor(async () => expect(await stored()).toEqual(['Work']));
    add(dialog, 'work');
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/already tagged "Work"/);
    add(dialog, 'Travel');
    await waitFor(async () => expect(await stored()).toEqual(['Work', 'Travel']));
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Remove tag Work' }));
    await waitFor(async () => expect(await stored()).toEqual(['Travel']));
  });
});
