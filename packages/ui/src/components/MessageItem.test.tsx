import type { Message } from '@chatkeep/storage';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { MessageItem } from './MessageItem.js';

const message = (patch: Partial<Message>): Message => ({
  id: 'm1',
  conversationId: 'c',
  projectId: 'p',
  role: 'assistant',
  content: 'Partial **answer**',
  status: 'complete',
  parentId: null,
  createdAt: 1,
  updatedAt: 1,
  ...patch,
});

describe('MessageItem', () => {
  it('shows an interrupted answer with its saved text and a Retry button', () => {
    const onRetry = vi.fn();
    render(<MessageItem message={message({ status: 'interrupted' })} canRetry onRetry={onRetry} />);
    expect(screen.getByText('answer').tagName).toBe('STRONG');
    expect(screen.getByText(/Interrupted/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('shows the saved error of a failed answer', () => {
    render(
      <MessageItem
        message={message({ status: 'error', metadata: { error: 'The endpoint answered 401' } })}
        canRetry
        onRetry={() => {}}
      />,
    );
    expect(screen.getByText(/The endpoint answered 401/)).toBeTruthy();
  });

  it('offers no Retry where retrying is not possible', () => {
    render(<MessageItem message={message({ status: 'error' })} canRetry={false} onRetry={() => {}} />);
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('shows tool calls and tool results as collapsible blocks', () => {
    const { container } = render(
      <>
        <MessageItem
          message={message({
            content: '',
            toolCalls: [{ id: 't', name: 'calculator', arguments: { expression: '1+1' } }],
          })}
          canRetry={false}
          onRetry={() => {}}
        />
        <MessageItem
          message={message({
            id: 'm2',
            role: 'tool',
            toolCallId: 't',
            toolName: 'calculator',
            toolResult: { result: 2 },
          })}
          canRetry={false}
          onRetry={() => {}}
        />
      </>,
    );
    const blocks = container.querySelectorAll('details');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]?.textContent).toContain('Tool call: calculator');
    expect(blocks[0]?.textContent).toContain('"expression": "1+1"');
    expect(blocks[1]?.textContent).toContain('Tool result: calculator');
  });

  it('shows the arguments of a cut-off tool call as the text that arrived', () => {
    const { container } = render(
      <MessageItem
        message={message({
          content: '',
          status: 'interrupted',
          toolCalls: [{ id: 't', name: 'calculator', arguments: '{"expression": "6 *' }],
        })}
        canRetry
        onRetry={() => {}}
      />,
    );
    expect(container.querySelector('details pre')?.textContent).toBe('{"expression": "6 *');
    expect(screen.getByText(/Interrupted: the answer stopped before it finished/)).toBeTruthy();
  });

  it('shows user text as typed, without Markdown', () => {
    render(
      <MessageItem
        message={message({ role: 'user', content: '**not bold**' })}
        canRetry={false}
        onRetry={() => {}}
      />,
    );
    expect(screen.getByText('**not bold**')).toBeTruthy();
  });
});
