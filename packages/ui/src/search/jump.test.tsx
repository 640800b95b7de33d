import type { Message } from '@chatkeep/storage';
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HIGHLIGHT_MS, useJump, useJumpToMessage } from './jump.js';

const message = (id: string): Message => ({
  id,
  conversationId: 'c1',
  projectId: 'default',
  role: 'user',
  content: id,
  status: 'complete',
  parentId: null,
  createdAt: 0,
  updatedAt: 0,
});

interface Props {
  messages: Message[];
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
}

function setup(initial: Props) {
  const fetchNextPage = vi.fn();
  const scrollToIndex = vi.fn();
  const hook = renderHook(
    (p: Props) =>
      useJumpToMessage({ conversationId: 'c1', isPending: false, fetchNextPage, scrollToIndex, ...p }),
    { initialProps: initial },
  );
  return { ...hook, fetchNextPage, scrollToIndex };
}

afterEach(() => {
  useJump.setState({ target: undefined });
  vi.useRealTimers();
});

describe('jumping to a message from a search result', () => {
  it('scrolls to a message that is already loaded and highlights it briefly', () => {
    vi.useFakeTimers();
    useJump.getState().jumpTo('c1', 'b');
    const { result, scrollToIndex, fetchNextPage } = setup({
      messages: [message('a'), message('b'), message('c')],
      hasNextPage: false,
      isFetchingNextPage: false,
    });
    expect(scrollToIndex).toHaveBeenCalledWith(1);
    expect(fetchNextPage).not.toHaveBeenCalled();
    expect(result.current).toBe('b');
    expect(useJump.getState().target).toBeUndefined();
    act(() => vi.advanceTimersByTime(HIGHLIGHT_MS + 10));
    expect(result.current).toBeUndefined();
  });

  it('loads older pages one at a time until the message is present', () => {
    useJump.getState().jumpTo('c1', 'old');
    const { rerender, fetchNextPage, scrollToIndex, result } = setup({
      messages: [message('x'), message('y')],
      hasNextPage: true,
      isFetchingNextPage: false,
    });
    expect(fetchNextPage).toHaveBeenCalledTimes(1);
    rerender({ messages: [message('x'), message('y')], hasNextPage: true, isFetchingNextPage: true });
    expect(fetchNextPage).toHaveBeenCalledTimes(1);
    rerender({
      messages: [message('w'), message('x'), message('y')],
      hasNextPage: true,
      isFetchingNextPage: false,
    });
    expect(fetchNextPage).toHaveBeenCalledTimes(2);
    expect(scrollToIndex).not.toHaveBeenCalled();
    const all = [message('old'), message('w'), message('x'), message('y')];
    rerender({ messages: all, hasNextPage: true, isFetchingNextPage: false });
    expect(scrollToIndex).toHaveBeenCalledWith(0);
    expect(result.current).toBe('old');
    expect(fetchNextPage).toHaveBeenCalledTimes(2);
  });

  it('drops the request when every page is loaded and the message is gone', () => {
    useJump.getState().jumpTo('c1', 'deleted');
    const { scrollToIndex, result } = setup({
      messages: [message('a')],
      hasNextPage: false,
      isFetchingNextPage: false,
    });
    expect(scrollToIndex).not.toHaveBeenCalled();
    expect(result.current).toBeUndefined();
    expect(useJump.getState().target).toBeUndefined();
  });

  it('ignores a request for another conversation', () => {
    useJump.getState().jumpTo('c2', 'a');
    const { scrollToIndex } = setup({
      messages: [message('a')],
      hasNextPage: false,
      isFetchingNextPage: false,
    });
    expect(scrollToIndex).not.toHaveBeenCalled();
    expect(useJump.getState().target).toMatchObject({ conversationId: 'c2' });
  });

  it('a second click on the same result jumps again', () => {
    const { scrollToIndex } = setup({
      messages: [message('a'), message('b')],
      hasNextPage: false,
      isFetchingNextPage: false,
    });
    act(() => useJump.getState().jumpTo('c1', 'b'));
    act(() => useJump.getState().jumpTo('c1', 'b'));
    expect(scrollToIndex).toHaveBeenCalledTimes(2);
  });
});
