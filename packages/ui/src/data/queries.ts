// Read hooks: the only way components read history.
import {
  type ChatStorageAdapter,
  type Conversation,
  type Message,
  type Project,
  usageWindow,
} from '@chatkeep/storage';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { queryKeys } from './query-keys.js';
import { useStorage } from './storage-context.js';

export const MESSAGE_PAGE_SIZE = 50;

export function useProjects(): string[] | undefined {
  const storage = useStorage();
  return useQuery({ queryKey: queryKeys.projects, queryFn: () => storage.listProjects() }).data;
}

/** Every project with its name, by name. */
export function useProjectRecords(): Project[] | undefined {
  const storage = useStorage();
  return useQuery({ queryKey: queryKeys.projectRecords, queryFn: () => storage.getProjects() }).data;
}

/** A project's name by its id (the id itself until the records are read, or for a project without one). */
export function useProjectName(): (projectId: string) => string {
  const projects = useProjectRecords();
  return useMemo(() => {
    const names = new Map((projects ?? []).map((p) => [p.id, p.name]));
    return (projectId) => names.get(projectId) ?? projectId;
  }, [projects]);
}

/**
 * Every conversation of the project, archived ones included (the views
 * filter them). Not read while `enabled` is false.
 */
export function useConversations(projectId: string, enabled = true) {
  const storage = useStorage();
  return useQuery({
    queryKey: queryKeys.conversations(projectId),
    queryFn: () => storage.listConversations(projectId, { includeArchived: true }),
    enabled,
  });
}

/** Shared with the start-up prefetch, so that the hook finds what it read. */
export function conversationQuery(storage: ChatStorageAdapter, id: string | null) {
  return queryOptions({
    queryKey: queryKeys.conversation(id ?? ''),
    queryFn: async (): Promise<Conversation | null> =>
      id ? ((await storage.getConversation(id)) ?? null) : null,
    enabled: !!id,
  });
}

export function useConversation(id: string | null) {
  const storage = useStorage();
  return useQuery(conversationQuery(storage, id));
}

/**
 * The newest page first; each next page is the one before the oldest loaded:
 * the branch ending at that message's parent. (Asking for the page `before`
 * the oldest message would have the storage check that message against the
 * active branch, walking down from the newest message every time: a cost
 * that grows with every page read, 1-4 s a page deep in a 10,000-message
 * conversation, against a few ms this way.)
 */
export function messagesQuery(storage: ChatStorageAdapter, conversationId: string | null) {
  return infiniteQueryOptions({
    queryKey: queryKeys.messages(conversationId ?? ''),
    queryFn: ({ pageParam }) =>
      storage.getMessages(conversationId!, {
        limit: MESSAGE_PAGE_SIZE,
        ...(pageParam === undefined ? {} : { leafId: pageParam }),
      }),
    /** The newest message of the page to read; the active branch's leaf when undefined. */
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.hasMore ? (page.messages[0]?.parentId ?? undefined) : undefined),
    enabled: !!conversationId,
  });
}

/**
 * The conversation's messages, newest page first; `fetchNextPage` loads the
 * page before the oldest one loaded. `messages` is chronological.
 */
export function useMessages(conversationId: string | null) {
  const storage = useStorage();
  const query = useInfiniteQuery(messagesQuery(storage, conversationId));
  const messages = useMemo<Message[]>(() => {
    const pages = query.data?.pages ?? [];
    const out: Message[] = [];
    for (let i = pages.length - 1; i >= 0; i--) out.push(...pages[i]!.messages);
    return out;
  }, [query.data]);
  // The branch stops at a parent not synced yet: named on the oldest page read.
  const missingParentId = query.data?.pages.at(-1)?.missingParentId;
  return { ...query, messages, missingParentId };
}

/** Every message of every branch; read only while `enabled` (for counts before a delete). */
export function useConversationTree(conversationId: string, enabled: boolean) {
  const storage = useStorage();
  return useQuery({
    queryKey: queryKeys.wholeTree(conversationId),
    queryFn: () => storage.loadConversation(conversationId),
    enabled,
  });
}

export interface VersionsOfMessage {
  /** The message and its siblings, chronological. */
  ids: string[];
  index: number;
}

/** The versions of a message (itself and its siblings): what its "‹ 2/3 ›" switch shows. */
export function useVersions(message: Pick<Message, 'id' | 'conversationId'>) {
  const storage = useStorage();
  return useQuery({
    queryKey: queryKeys.versions(message.conversationId, message.id),
    queryFn: () => storage.listVersions(message.id),
    select: ({ versions, index }): VersionsOfMessage => ({ ids: versions.map((v) => v.id), index }),
    // A storage that cannot list versions shows no switch rather than retrying.
    retry: false,
  }).data;
}

/** Every tag of the project with how many conversations carry it. */
export function useTags(projectId: string) {
  const storage = useStorage();
  return useQuery({ queryKey: queryKeys.tags(projectId), queryFn: () => storage.listTags(projectId) }).data;
}

/** Usage figures of the last `days` days (today included), of one project or all. */
export function useUsageSummary(days: number, projectId?: string) {
  const storage = useStorage();
  return useQuery({
    queryKey: queryKeys.usageSummary(days, projectId),
    queryFn: () => storage.usageSummary({ ...usageWindow(days), ...(projectId ? { projectId } : {}) }),
  });
}
