import type { ChatStorageAdapter } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { StorageProvider } from '../data/storage-context.js';
import { MessageItem } from './MessageItem.js';
import { Outbox, queuedMetadata } from './outbox.js';

let storage: ChatStorageAdapter;
beforeEach(async () => {
  storage = await openTestStorage();
});
afterEach(async () => {
  vi.restoreAllMocks();
  localStorage.clear();
  await storage.close();
});

async function waitingMessage(reason?: string) {
  const { id: conversationId } = await storage.createConversation({ projectId: 'p' });
  new Outbox(localStorage).add({ messageId: 'q1', conversationId });
  return storage.saveMessage({
    id: 'q1',
    conversationId,
    projectId: 'p',
    role: 'user',
    content: 'written offline',
    metadata: queuedMetadata(reason),
  });
}

function renderItem(message: Awaited<ReturnType<typeof waitingMessage>>) {
  const noop = () => {};
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <StorageProvider value={storage}>
        <MessageItem
          message={message}
          live={false}
          awaitingParent={false}
          editing={false}
          onRetry={noop}
          onEdit={noop}
          onSendEdit={async () => {}}
          onDelete={noop}
        />
      </StorageProvider>
    </QueryClientProvider>,
  );
}

describe('a message waiting for the network', () => {
  it('says it will be sent when back online; offline there is no Send now and no reason', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    renderItem(await waitingMessage('Could not reach x'));
    expect(screen.getByRole('status').textContent).toContain(
      'Waiting for the network: it will be sent when you are back online',
    );
    expect(screen.queryByText(/Could not reach/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Send now' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Edit message' })).toBeTruthy();
  });

  it('online, says why the endpoint was not reached and offers Send now', async () => {
    renderItem(await waitingMessage('Could not reach http://127.0.0.1:9/v1: check the base URL'));
    expect(screen.getByText(/Could not reach http:\/\/127\.0\.0\.1:9\/v1/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send now' })).toBeTruthy();
  });

  it('Cancel sending removes it before it is ever sent', async () => {
    const message = await waitingMessage();
    renderItem(message);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Cancel sending' }));
    });
    await waitFor(async () => expect(await storage.loadConversation(message.conversationId)).toEqual([]));
    expect(new Outbox(localStorage).list()).toEqual([]);
  });
});
