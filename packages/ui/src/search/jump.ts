// "Open this search result": the conversation opens and its message list
// brings the named message into view, loading older pages until it is there,
// then highlights it for a moment.
import type { Message } from '@chatkeep/storage';
import { useEffect, useState } from 'react';
import { create } from 'zustand';

export interface JumpTarget {
  conversationId: string;
  messageId: string;
  /** Tells two requests for the same message apart (the second click jumps again). */
  seq: number;
  /** Open the message's editor once it is in view (e.g. to shorten a message the server refused). */
  edit?: boolean;
}

interface JumpState {
  target?: JumpTarget;
  jumpTo(conversationId: string, messageId: string, opts?: { edit?: boolean }): void;
  done(seq: number): void;
}

export const useJump = create<JumpState>()((set, get) => ({
  target: undefined,
  jumpTo: (conversationId, messageId, opts) =>
    set({
      target: {
        conversationId,
        messageId,
        seq: (get().target?.seq ?? 0) + 1,
        ...(opts?.edit && { edit: true }),
      },
    }),
  done: (seq) => {
    if (get().target?.seq === seq) set({ target: undefined });
  },
}));

export const HIGHLIGHT_MS = 2500;

interface JumpListOptions {
  conversationId: string;
  messages: Message[];
  isPending: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): unknown;
  /** Brings message `index` into view (the virtualiser's scrollToIndex). */
  scrollToIndex(index: number): void;
  /** Opens the editor of a message the jump asked to edit. */
  onEdit?(messageId: string): void;
}

/**
 * Used by the message list. Returns the id of the message to highlight, if
 * any. Until the target is found, older pages load one after the other;
 * when there are none left the request is dropped (the message was deleted).
 */
export function useJumpToMessage(opts: JumpListOptions): string | undefined {
  const {
    conversationId,
    messages,
    isPending,
    hasNextPage,
    isFetchingNextPage,
    fetchNextPage,
    scrollToIndex,
    onEdit,
  } = opts;
  const target = useJump((s) => (s.target?.conversationId === conversationId ? s.target : undefined));
  const done = useJump((s) => s.done);
  const [highlighted, setHighlighted] = useState<string | undefined>();

  useEffect(() => {
    if (!target || isPending) return;
    const index = messages.findIndex((m) => m.id === target.messageId);
    if (index < 0) {
      if (hasNextPage) {
        if (!isFetchingNextPage) void fetchNextPage();
      } else if (!isFetchingNextPage) {
        done(target.seq);
      }
      return;
    }
    done(target.seq);
    scrollToIndex(index);
    setHighlighted(target.messageId);
    if (target.edit) onEdit?.(target.messageId);
  }, [
    target,
    isPending,
    messages,
    hasNextPage,
    isFetchingNextPage,
    fetchNextPage,
    scrollToIndex,
    done,
    onEdit,
  ]);

  useEffect(() => {
    if (!highlighted) return;
    const timer = setTimeout(() => setHighlighted(undefined), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlighted]);

  return highlighted;
}
