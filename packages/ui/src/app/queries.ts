// Read hooks: the only way components read history.
import type { Conversation, Message } from '@chatkeep/storage';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { queryKeys } from './query-keys.js';
import { useStorage } from './storage-context.js';

export const MESSAGE_PAGE_SIZE = 50;

export function useProjects(): string[] | undefined {
  const storage = useStorage();
  return useQuery({ queryKey: queryKeys.projects, queryFn: () => storage.listProjects() }).data;
}

/** Every conversation of the project, archived ones included (the views filter them). */
export function useConversations(projectId: string) {
  const storage = useStorage();
  return useQuery({
    queryKey: queryKeys.conversations(projectId),
    queryFn: () => storage.listConversations(projectId, { includeArchived: true }),
  });
}

export function useConversation(id: string | null) {
  const storage = useStorage();
  return useQuery({
    queryKey: queryKeys.conversation(id ?? ''),
    queryFn: async (): Promise<Conversation | null> =>
      id ? ((await storage.getConversation(id)) ?? null) : null,
    enabled: !!id,
  });
}

/**
 * The conversation's messages, newest page first; `fetchNextPage` loads the
 * page before the oldest one loaded. `messages` is chronological.
 */
export function useMessages(conversationId: string | null) {
  const storage = useStorage();
  const query = useInfiniteQuery({
    queryKey: queryKeys.messages(conversationId ?? ''),
    queryFn: ({ pageParam }) =>
      storage.getMessages(conversationId!, { limit: MESSAGE_PAGE_SIZE, before: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.hasMore ? page.messages[0]?.id : undefined),
    enabled: !!conversationId,
  });
  const messages = useMemo<Message[]>(() => {
    const pages = query.data?.pages ?? [];
    const out: Message[] = [];
    for (let i = pages.length - 1; i >= 0; i--) out.push(...pages[i]!.messages);
    return out;
  }, [query.data]);
  return { ...query, messages };
}
