// The conversation, virtualised: only the messages in view are in the DOM,
// so ten thousand of them scroll like ten. The newest page loads first;
// older pages load when the view nears the top, without the view jumping.
import type { Message } from '@chatkeep/storage';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { reportMainViewCommitted } from '../data/first-paint.js';
import { useMessages } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { useJumpToMessage } from '../search/jump.js';
import { useMessageSyncNotes } from '../sync/refused.js';
import { getSyncRuntime } from '../sync/sync-service.js';
import { editQueuedMessage, regenerateAnswer, sendMessage, sendQueued } from './chat-controller.js';
import { DeleteMessageDialog } from './DeleteMessageDialog.js';
import { MessageItem } from './MessageItem.js';
import { queuedMark } from './outbox.js';
import { viewMemory } from './view-memory.js';

const NEAR_TOP_PX = 400;
const AT_BOTTOM_PX = 48;
/** How many older pages to walk through to find the saved scroll anchor. */
const MAX_RESTORE_PAGES = 40;

interface MessageListProps {
  conversationId: string;
  /** True while this tab streams an answer here: Retry, Regenerate, Edit and Delete wait meanwhile. */
  live: boolean;
  /** Bumped when the user sends, to jump to the newest message. */
  followSignal: number;
}

export function MessageList({ conversationId, live, followSignal }: MessageListProps) {
  const storage = useStorage();
  const { messages, missingParentId, isPending, hasNextPage, isFetchingNextPage, fetchNextPage } =
    useMessages(conversationId);
  const [editingId, setEditingId] = useState<string | undefined>();
  const syncNotes = useMessageSyncNotes(conversationId);
  const syncNotesRef = useRef(syncNotes);
  syncNotesRef.current = syncNotes;
  const [toDelete, setToDelete] = useState<Message | undefined>();
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const restored = useRef(false);
  const restorePages = useRef(0);
  const prependAnchor = useRef<{ id: string; delta: number } | undefined>(undefined);

  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 96,
    overscan: 6,
    getItemKey: (i) => messages[i]?.id ?? i,
  });

  // Stable callbacks: each MessageItem re-renders only when its own message changes.
  const onRetry = useCallback(
    (message: Message) => {
      atBottom.current = true;
      regenerateAnswer(storage, message);
    },
    [storage],
  );
  const onEdit = useCallback((message: Message | undefined) => setEditingId(message?.id), []);
  const onSendEdit = useCallback(
    async (message: Message, text: string) => {
      // Never sent yet: the waiting text is replaced, and goes at once when the network is there.
      if (queuedMark(message) && (await editQueuedMessage(storage, message, text))) {
        setEditingId(undefined);
        if (navigator.onLine) await sendQueued(storage, [message]);
        return;
      }
      await sendMessage(storage, {
        projectId: message.projectId,
        conversationId: message.conversationId,
        text,
        parentId: message.parentId,
      });
      // The shortened version is what syncs now; the refused original stays here as an earlier version.
      if (syncNotesRef.current.get(message.id) === 'refused') {
        await getSyncRuntime()?.keepLocalOnly('message', message.id);
      }
      setEditingId(undefined);
      atBottom.current = true;
    },
    [storage],
  );

  const topAnchor = useCallback((): { id: string; delta: number } | undefined => {
    const el = scrollRef.current;
    if (!el) return undefined;
    const item = virtualizer.getVirtualItems().find((v) => v.end > el.scrollTop);
    const message = item && messages[item.index];
    return item && message ? { id: message.id, delta: el.scrollTop - item.start } : undefined;
  }, [virtualizer, messages]);

  const scrollToBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el || messages.length === 0) return;
    virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
    el.scrollTop = el.scrollHeight;
  }, [virtualizer, messages.length]);

  // A search result opened here: its message replaces any restore or follow.
  const jumpHighlight = useJumpToMessage({
    conversationId,
    messages,
    isPending,
    hasNextPage,
    isFetchingNextPage,
    fetchNextPage,
    scrollToIndex: useCallback(
      (index: number) => {
        restored.current = true;
        atBottom.current = false;
        virtualizer.scrollToIndex(index, { align: 'center' });
      },
      [virtualizer],
    ),
    // "Shorten" on a refused message opens it in its editor.
    onEdit: setEditingId,
  });

  const loadOlder = useCallback(() => {
    if (!hasNextPage || isFetchingNextPage) return;
    prependAnchor.current = topAnchor();
    void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, topAnchor]);

  // First paint of the conversation: back to where the reader was, or the newest message.
  useLayoutEffect(() => {
    if (restored.current || isPending || messages.length === 0) return;
    const memory = viewMemory().getScroll(conversationId);
    if (!memory || memory.atBottom || !memory.anchorId) {
      restored.current = true;
      atBottom.current = true;
      scrollToBottom();
      return;
    }
    const index = messages.findIndex((m) => m.id === memory.anchorId);
    if (index < 0 && hasNextPage && restorePages.current < MAX_RESTORE_PAGES) {
      if (!isFetchingNextPage) {
        restorePages.current += 1;
        void fetchNextPage();
      }
      return;
    }
    restored.current = true;
    atBottom.current = false;
    if (index < 0) return;
    // scrollToIndex settles on the item once the rows above it have been measured.
    virtualizer.scrollToIndex(index, { align: 'start' });
  }, [
    conversationId,
    isPending,
    messages,
    hasNextPage,
    isFetchingNextPage,
    fetchNextPage,
    scrollToBottom,
    virtualizer,
  ]);

  // Older page arrived above: keep the same message at the same place on screen.
  useLayoutEffect(() => {
    const anchor = prependAnchor.current;
    const el = scrollRef.current;
    if (!anchor || !el || isFetchingNextPage) return;
    prependAnchor.current = undefined;
    const index = messages.findIndex((m) => m.id === anchor.id);
    if (index < 0) return;
    virtualizer.getVirtualItems();
    const start = virtualizer.measurementsCache[index]?.start;
    if (start !== undefined) el.scrollTop = start + anchor.delta;
  }, [messages, isFetchingNextPage, virtualizer]);

  // Follow the newest message while the reader is at the bottom (streaming grows it).
  const totalSize = virtualizer.getTotalSize();
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs whenever the content grows or changes
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || !restored.current || !atBottom.current) return;
    el.scrollTop = el.scrollHeight;
  }, [totalSize, messages]);

  useEffect(() => {
    if (followSignal === 0) return;
    atBottom.current = true;
    scrollToBottom();
  }, [followSignal, scrollToBottom]);

  // The first rows are in the DOM (or there are none to show): the frame
  // about to be painted is the conversation's first paint.
  const rowsInDom = virtualizer.getVirtualItems().length > 0;
  useLayoutEffect(() => {
    if (!isPending && (rowsInDom || messages.length === 0)) reportMainViewCommitted(rowsInDom);
  }, [isPending, rowsInDom, messages.length]);

  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el || !restored.current) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
    if (el.scrollTop < NEAR_TOP_PX) loadOlder();
    clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => {
      const anchor = topAnchor();
      viewMemory().setScroll(conversationId, {
        anchorId: anchor?.id,
        offset: anchor?.delta ?? 0,
        atBottom: atBottom.current,
      });
    }, 150);
  };
  useEffect(() => () => clearTimeout(saveTimer.current), []);

  if (isPending) return <MessageSkeleton />;

  const items = virtualizer.getVirtualItems();
  return (
    // Focusable so that keyboard users can scroll it even when it holds no
    // control (an answer streaming in shows no message actions yet).
    <div
      className="message-scroll"
      ref={scrollRef}
      onScroll={onScroll}
      data-testid="message-scroll"
      // Names what the first-paint snapshot of this view shows (first-paint/capture.ts).
      data-conversation-id={conversationId}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
      tabIndex={0}
    >
      {isFetchingNextPage && (
        <p className="loading-older" role="status">
          Loading earlier messages…
        </p>
      )}
      <section
        className="message-list"
        aria-label="Messages"
        style={{ height: totalSize, position: 'relative' }}
      >
        {items.map((item) => {
          const message = messages[item.index] as Message;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className={message.id === jumpHighlight ? 'message-row jump-highlight' : 'message-row'}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${item.start}px)`,
              }}
            >
              <MessageItem
                message={message}
                live={live}
                awaitingParent={!!missingParentId && message.parentId === missingParentId}
                syncNote={syncNotes.get(message.id)}
                editing={message.id === editingId}
                onRetry={onRetry}
                onEdit={onEdit}
                onSendEdit={onSendEdit}
                onDelete={setToDelete}
              />
            </div>
          );
        })}
      </section>
      <DeleteMessageDialog message={toDelete} onClose={() => setToDelete(undefined)} />
    </div>
  );
}

/** Placeholder rows while messages load; `note` says why when it may take a while. */
export function MessageSkeleton({ note }: { note?: string } = {}) {
  return (
    <div className="message-scroll" aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading conversation…
      </p>
      {note && <p className="skeleton-note muted">{note}</p>}
      <div className="skeleton-list" aria-hidden="true">
        <div className="skeleton skeleton-user" />
        <div className="skeleton skeleton-assistant" />
        <div className="skeleton skeleton-user" />
        <div className="skeleton skeleton-assistant" />
      </div>
    </div>
  );
}
