// The message list's paging: older pages follow the branch shown, page after
// page, with nothing skipped or repeated, on the real adapters.
import type { ChatStorageAdapter, StorageKind } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { MESSAGE_PAGE_SIZE, useMessages } from './queries.js';
import { StorageProvider } from './storage-context.js';

async function say(
  storage: ChatStorageAdapter,
  conversationId: string,
  id: string,
  t: number,
  parentId?: string,
) {
  await storage.saveMessage({
    id,
    conversationId,
    projectId: 'p1',
    role: id.includes('a') ? 'assistant' : 'user',
    content: `text of ${id}`,
    createdAt: t,
    updatedAt: t,
    ...(parentId === undefined ? {} : { parentId }),
  });
}

/**
 * m0 ... m129 on one branch, then b0 ... b69 regenerated from m4 on: the
 * branch shown is m0-m4, b0-b69 (75 messages, two pages), while the older
 * branch under m4 is longer than both pages together.
 */
async function branched(storage: ChatStorageAdapter): Promise<{ id: string; shown: string[] }> {
  const { id } = await storage.createConversation({ projectId: 'p1', title: 'long' });
  let t = 1;
  for (let i = 0; i < 130; i++) await say(storage, id, `m${i}`, t++);
  await say(storage, id, 'b0', t++, 'm4');
  for (let i = 1; i < 70; i++) await say(storage, id, `b${i}`, t++);
  const shown = [
    ...Array.from({ length: 5 }, (_, i) => `m${i}`),
    ...Array.from({ length: 70 }, (_, i) => `b${i}`),
  ];
  return { id, shown };
}

function render(storage: ChatStorageAdapter, conversationId: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>
      <StorageProvider value={storage}>{children}</StorageProvider>
    </QueryClientProvider>
  );
  return renderHook(() => useMessages(conversationId), { wrapper });
}

describe.each<StorageKind>(['indexeddb', 'localstorage'])('useMessages on %s', (kind) => {
  it('pages the branch shown backwards to its first message, each message once, in order', async () => {
    const storage = await openTestStorage(kind);
    const { id, shown } = await branched(storage);
    const getMessages = vi.spyOn(storage, 'getMessages');
    const { result } = render(storage, id);
    await waitFor(() => expect(result.current.isPending).toBe(false));
    expect(result.current.messages.map((m) => m.id)).toEqual(shown.slice(-MESSAGE_PAGE_SIZE));
    expect(result.current.hasNextPage).toBe(true);

    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.isFetchingNextPage).toBe(false));
    expect(result.current.messages.map((m) => m.id)).toEqual(shown);
    expect(result.current.hasNextPage).toBe(false);
    expect(result.current.error).toBeNull();
    // The older page is read as the branch ending where the loaded one starts, not checked against the leaf.
    expect(getMessages).toHaveBeenLastCalledWith(id, {
      limit: MESSAGE_PAGE_SIZE,
      leafId: shown[shown.length - MESSAGE_PAGE_SIZE - 1],
    });
    await storage.close();
  });

  it('stops at a first message that is the only one left', async () => {
    const storage = await openTestStorage(kind);
    const { id } = await storage.createConversation({ projectId: 'p1', title: 'one more than a page' });
    for (let i = 0; i <= MESSAGE_PAGE_SIZE; i++) await say(storage, id, `u${i}`, i + 1);
    const { result } = render(storage, id);
    await waitFor(() => expect(result.current.isPending).toBe(false));
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.isFetchingNextPage).toBe(false));
    expect(result.current.messages.map((m) => m.id)).toEqual(
      Array.from({ length: MESSAGE_PAGE_SIZE + 1 }, (_, i) => `u${i}`),
    );
    expect(result.current.hasNextPage).toBe(false);
    await storage.close();
  });
});
