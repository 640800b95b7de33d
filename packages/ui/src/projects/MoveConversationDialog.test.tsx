import type { ChatStorageAdapter } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { useStreams } from '../chat/chat-controller.js';
import { StorageProvider } from '../data/storage-context.js';
import { MoveConversationDialog } from './MoveConversationDialog.js';
import { MOVE_WHILE_STREAMING } from './names.js';

let storage: ChatStorageAdapter;
beforeEach(async () => {
  storage = await openTestStorage();
});
afterEach(async () => {
  useStreams.setState({ live: {} });
  await storage.close();
});

async function openDialog() {
  await storage.saveProject({ id: 'home', name: 'Home' });
  await storage.saveProject({ id: 'work', name: 'Work' });
  const conversation = await storage.createConversation({ projectId: 'home', title: 'Budget' });
  let closed = false;
  render(
    <QueryClientProvider client={new QueryClient()}>
      <StorageProvider value={storage}>
        <MoveConversationDialog conversation={conversation} onClose={() => (closed = true)} />
      </StorageProvider>
    </QueryClientProvider>,
  );
  return { conversation, closed: () => closed };
}

describe('Move to project…', () => {
  it('offers the other projects by name and moves the conversation there', async () => {
    const { conversation, closed } = await openDialog();
    const select = (await screen.findByRole('combobox', { name: /Move “Budget” to/ })) as HTMLSelectElement;
    await waitFor(() => expect([...select.options].map((o) => o.text)).toEqual(['Work']));
    fireEvent.click(screen.getByRole('button', { name: 'Move' }));
    await waitFor(() => expect(closed()).toBe(true));
    expect(await storage.getConversation(conversation.id)).toMatchObject({ projectId: 'work' });
  });

  it('waits while the conversation’s answer is still being written', async () => {
    useStreams.setState({ live: {} });
    const { conversation } = await openDialog();
    useStreams.setState({ live: { [conversation.id]: true } });
    await screen.findByText(MOVE_WHILE_STREAMING);
    expect((screen.getByRole('button', { name: 'Move' }) as HTMLButtonElement).disabled).toBe(true);
    expect(await storage.getConversation(conversation.id)).toMatchObject({ projectId: 'home' });
  });
});
