import type { ChatStorageAdapter, Message } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { StorageProvider } from '../data/storage-context.js';
import { MessageItem } from './MessageItem.js';

let storage: ChatStorageAdapter;
beforeEach(async () => {
  storage = await openTestStorage();
});
afterEach(() => storage.close());

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

const noop = () => {};
const item = (m: Message, props: Partial<Parameters<typeof MessageItem>[0]> = {}) => (
  <MessageItem
    message={m}
    live={false}
    awaitingParent={false}
    editing={false}
    onRetry={noop}
    onEdit={noop}
    onSendEdit={async () => {}}
    onDelete={noop}
    {...props}
  />
);

function renderWith(ui: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <StorageProvider value={storage}>{ui}</StorageProvider>
    </QueryClientProvider>,
  );
}

describe('MessageItem', () => {
  it('shows an interrupted answer with its saved text and a Retry button', () => {
    const onRetry = vi.fn();
    const m = message({ status: 'interrupted' });
    renderWith(item(m, { onRetry }));
    expect(screen.getByText('answer').tagName).toBe('STRONG');
    expect(screen.getByText(/Interrupted/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith(m);
  });

  it('shows the saved error of a failed answer', () => {
    renderWith(item(message({ status: 'error', metadata: { error: 'The endpoint answered 401' } })));
    expect(screen.getByText(/The endpoint answered 401/)).toBeTruthy();
  });

  it('offers no Retry, Regenerate or Delete while an answer streams here', () => {
    renderWith(item(message({ status: 'error' }), { live: true }));
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Regenerate' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Delete message' })).toHaveProperty('disabled', true);
  });

  it('shows tool calls and tool results as collapsible blocks', () => {
    const { container } = renderWith(
      <>
        {item(
          message({
            content: '',
            toolCalls: [{ id: 't', name: 'calculator', arguments: { expression: '1+1' } }],
          }),
        )}
        {item(
          message({
            id: 'm2',
            role: 'tool',
            toolCallId: 't',
            toolName: 'calculator',
            toolResult: { result: 2 },
          }),
        )}
      </>,
    );
    const blocks = container.querySelectorAll('details');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]?.textContent).toContain('Tool call: calculator');
    expect(blocks[0]?.textContent).toContain('"expression": "1+1"');
    expect(blocks[1]?.textContent).toContain('Tool result: calculator');
  });

  it('shows the arguments of a cut-off tool call as the text that arrived', () => {
    const { container } = renderWith(
      item(
        message({
          content: '',
          status: 'interrupted',
          toolCalls: [{ id: 't', name: 'calculator', arguments: '{"expression": "6 *' }],
        }),
      ),
    );
    expect(container.querySelector('details pre')?.textContent).toBe('{"expression": "6 *');
    expect(screen.getByText(/Interrupted: the answer stopped before it finished/)).toBeTruthy();
  });

  it('folds an answer\'s reasoning under a collapsed "Reasoning" block above the answer', () => {
    const { container } = renderWith(
      item(
        message({
          content: 'A sleeping cat.',
          metadata: { reasoning: 'The photo shows a **cat**.', reasoningRecap: 'Thought for 2 seconds' },
        }),
      ),
    );
    const summary = screen.getByText('Reasoning', { selector: 'summary' });
    const block = summary.closest('details')!;
    expect(block.open).toBe(false);
    expect(block.textContent).toContain('Thought for 2 seconds');
    expect(block.querySelector('strong')?.textContent).toBe('cat');
    // The reasoning comes before the answer, and is not a message of its own.
    expect(container.querySelectorAll('article')).toHaveLength(1);
    expect(block.compareDocumentPosition(screen.getByText('A sleeping cat.'))).toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    );
  });

  it('shows no Reasoning block without reasoning', () => {
    renderWith(item(message({ metadata: { reasoning: '' } })));
    expect(screen.queryByText('Reasoning')).toBeNull();
  });

  it('says where an image or recording the export did not include was, with what is known of it', () => {
    renderWith(
      item(
        message({
          role: 'user',
          content: 'What is this?',
          metadata: {
            attachments: [
              { name: 'file-Cat123', mediaType: 'image/*', size: 204800, width: 1024, height: 768 },
              { name: 'file_Aud456', mediaType: 'audio/*', size: 96000 },
              { name: 'notes.pdf', mediaType: 'application/pdf' },
              { name: 'report.txt', mediaType: 'text/plain', url: 'https://files.example/report.txt' },
            ],
          },
        }),
      ),
    );
    const list = screen.getByRole('list', { name: 'Attachments' });
    const items = list.querySelectorAll('li');
    expect([...items].map((li) => li.textContent)).toEqual([
      'Image not included in the export file-Cat123 · 200 KB · 1024×768',
      'Audio not included in the export file_Aud456 · 94 KB',
      'File not included in the export notes.pdf',
      'report.txt',
    ]);
    expect(screen.getByRole('link', { name: 'report.txt' }).getAttribute('href')).toBe(
      'https://files.example/report.txt',
    );
  });

  it('shows a tool result\'s text and page address, never "null"', () => {
    const { container } = renderWith(
      <>
        {item(
          message({
            id: 'b',
            role: 'tool',
            toolName: 'browser',
            content: '5 °C, cloudy',
            toolResult: { text: '5 °C, cloudy', url: 'https://weather.example/oslo', title: 'Oslo weather' },
          }),
        )}
        {item(message({ id: 'o', role: 'tool', toolName: 'python', content: '2' }))}
      </>,
    );
    const pres = [...container.querySelectorAll('pre')].map((p) => p.textContent);
    expect(pres).toEqual(['5 °C, cloudy', '2']);
    expect(screen.getByRole('link', { name: 'Oslo weather' }).getAttribute('href')).toBe(
      'https://weather.example/oslo',
    );
  });

  it('shows user text as typed, without Markdown', () => {
    renderWith(item(message({ role: 'user', content: '**not bold**' })));
    expect(screen.getByText('**not bold**')).toBeTruthy();
  });
});

describe('message actions', () => {
  const names = () => screen.getAllByRole('button').map((b) => b.getAttribute('aria-label') ?? b.textContent);

  it('a user message offers copy, edit, fork and delete; an answer regenerate instead of edit', () => {
    const { unmount } = renderWith(item(message({ role: 'user', content: 'Hi' })));
    expect(names()).toEqual(['Copy message', 'Edit message', 'Fork conversation', 'Delete message']);
    unmount();
    renderWith(item(message({})));
    expect(names()).toEqual(['Copy message', 'Regenerate', 'Fork conversation', 'Delete message']);
  });

  it('copies the message as the Markdown export writes it', async () => {
    const writeText = vi.fn(async (_text: string) => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    try {
      renderWith(item(message({ content: 'Use `ls -la`', metadata: { model: 'gpt-x' } })));
      fireEvent.click(screen.getByRole('button', { name: 'Copy message' }));
      expect(await screen.findByText('Copied as Markdown.')).toBeTruthy();
      expect(writeText.mock.calls[0]?.[0]).toBe(
        '## Assistant\n\n_1970-01-01 00:00:00 UTC · gpt-x_\n\nUse `ls -la`',
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('asks for the edit and reports the delete of this message', () => {
    const onEdit = vi.fn();
    const onDelete = vi.fn();
    const m = message({ role: 'user', content: 'Hi' });
    renderWith(item(m, { onEdit, onDelete }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit message' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete message' }));
    expect(onEdit).toHaveBeenCalledWith(m);
    expect(onDelete).toHaveBeenCalledWith(m);
  });

  it('editing: the text becomes a text box; Esc cancels and focus returns to the message', () => {
    const onEdit = vi.fn();
    renderWith(item(message({ role: 'user', content: 'Plan a trip' }), { editing: true, onEdit }));
    const box = screen.getByRole('textbox', { name: 'Edited message' }) as HTMLTextAreaElement;
    expect(box.value).toBe('Plan a trip');
    expect(document.activeElement).toBe(box);
    expect(screen.getByRole('button', { name: 'Save and send' })).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(onEdit).toHaveBeenCalledWith(undefined);
    expect(document.activeElement).toBe(screen.getByRole('article', { name: 'You message' }));
  });

  it('Save and send hands over the edited text; an empty text cannot be sent', async () => {
    const onSendEdit = vi.fn(async () => {});
    const m = message({ role: 'user', content: 'Plan a trip' });
    renderWith(item(m, { editing: true, onSendEdit }));
    const box = screen.getByRole('textbox', { name: 'Edited message' });
    const send = screen.getByRole('button', { name: 'Save and send' });
    fireEvent.change(box, { target: { value: '  ' } });
    expect(send).toHaveProperty('disabled', true);
    fireEvent.change(box, { target: { value: 'Plan a trip to Porto' } });
    fireEvent.click(send);
    expect(onSendEdit).toHaveBeenCalledWith(m, 'Plan a trip to Porto');
  });

  it('says when an earlier message has not synced yet', () => {
    renderWith(item(message({ role: 'user', parentId: 'not-here' }), { awaitingParent: true }));
    expect(screen.getByRole('note').textContent).toBe('An earlier message has not synced yet.');
  });

  it('an answer whose question is missing says so in place of the question, and why it may be', () => {
    renderWith(item(message({ parentId: 'refused-question' }), { awaitingParent: true }));
    const note = screen.getByRole('note');
    expect(note.textContent).toMatch(/^The question to this answer was not synced to this device\. /);
    expect(note.textContent).toMatch(/refused it \(for example, as too large\)/);
    // The note comes before the answer itself, where the question would be.
    const article = screen.getByRole('article', { name: 'Assistant message' });
    expect(article.firstElementChild).toBe(note);
  });

  it('a message kept on this device only is marked so; a refused one says it did not sync', () => {
    const { unmount } = renderWith(item(message({ role: 'user' }), { syncNote: 'local-only' }));
    expect(screen.getByRole('note').textContent).toBe('Kept on this device only');
    unmount();
    renderWith(item(message({ role: 'user' }), { syncNote: 'refused' }));
    expect(screen.getByRole('note').textContent).toMatch(/^Not synced: the sync server refused this message/);
  });
});
