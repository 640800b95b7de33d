import type { ChatStorageAdapter } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { StorageProvider } from '../data/storage-context.js';
import { useUi } from '../data/ui-store.js';
import { ContentResults } from './ContentResults.js';
import { useJump } from './jump.js';
import { SearchFilters } from './SearchFilters.js';
import { useSearchFilters } from './search-filters.js';
import { closeSearchIndex, getSearchIndex } from './search-index.js';
import { CONTENT_SEARCH_LIMIT, searchMessages } from './use-content-search.js';

let storage: ChatStorageAdapter;

beforeEach(async () => {
  storage = await openTestStorage();
  // A search database of its own, so tests never share a saved index.
  await getSearchIndex(storage, `search-${Math.random()}`);
});

afterEach(async () => {
  await closeSearchIndex(storage);
  await storage.close();
  useJump.setState({ target: undefined });
  useSearchFilters.getState().set({ scope: 'project' });
  useSearchFilters.getState().reset();
  useUi.getState().setProject('default');
});

async function seed() {
  await storage.saveConversation({ id: 'c-bread', projectId: 'default', title: 'Baking' }, [
    {
      id: 'm1',
      conversationId: 'c-bread',
      projectId: 'default',
      role: 'user',
      content: 'How long should dough rise?',
    },
    {
      id: 'm2',
      conversationId: 'c-bread',
      projectId: 'default',
      role: 'assistant',
      content: 'Let the <b>dough</b> rise until doubled, about two hours.',
    },
  ]);
  await storage.saveConversation({ id: 'c-other', projectId: 'work', title: 'Dough in another project' }, [
    {
      id: 'm3',
      conversationId: 'c-other',
      projectId: 'work',
      role: 'user',
      content: 'Dough figures for the quarter',
    },
  ]);
}

function renderResults(query: string, projectId = 'default') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <StorageProvider value={storage}>
        <SearchFilters projectId={projectId} />
        <ContentResults projectId={projectId} query={query} />
      </StorageProvider>
    </QueryClientProvider>,
  );
}

describe('content search in the sidebar', () => {
  it('searchMessages returns message hits of the project only, never title hits', async () => {
    await seed();
    const { hits, hasMore } = await searchMessages(storage, 'default', 'dough');
    expect(hits.map((h) => h.messageId).sort()).toEqual(['m1', 'm2']);
    expect(hits.every((h) => h.conversationId === 'c-bread')).toBe(true);
    expect(hasMore).toBe(false);
    expect(await searchMessages(storage, 'default', '   ')).toEqual({ hits: [], hasMore: false });
  });

  it('lists each match with its conversation title, a highlighted snippet and the time', async () => {
    await seed();
    renderResults('doubled');
    const list = await screen.findByRole('region', { name: 'Message matches' });
    const hit = await within(list).findByRole('button', { name: /Baking/ });
    expect(hit.querySelector('mark')?.textContent).toBe('doubled');
    expect(hit.querySelector('time')?.getAttribute('dateTime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(hit.textContent).toContain('Assistant:');
  });

  it('renders message text as text: markup in a message is shown, never parsed', async () => {
    await seed();
    renderResults('doubled');
    const hit = await screen.findByRole('button', { name: /Baking/ });
    expect(hit.textContent).toContain('<b>dough</b>');
    expect(hit.querySelector('b')).toBeNull();
  });

  it('says so when no message matches', async () => {
    await seed();
    renderResults('zebra');
    expect(await screen.findByText('No message matches.')).toBeTruthy();
  });

  it('says which words are not searched when the query holds only common words', async () => {
    await seed();
    renderResults('the to');
    expect(await screen.findByText(/Words as common as “the” or “to” are not searched/)).toBeTruthy();
    expect(screen.queryByText('No message matches.')).toBeNull();
  });

  it('opening a match opens its conversation and asks the list to jump to the message', async () => {
    await seed();
    renderResults('doubled');
    fireEvent.click(await screen.findByRole('button', { name: /Baking/ }));
    expect(useUi.getState().activeByProject[useUi.getState().projectId]).toBe('c-bread');
    expect(useJump.getState().target).toMatchObject({ conversationId: 'c-bread', messageId: 'm2' });
  });

  it('finds words written after the search was typed', async () => {
    await seed();
    renderResults('marmalade');
    expect(await screen.findByText('No message matches.')).toBeTruthy();
    await storage.saveMessage({
      id: 'm4',
      conversationId: 'c-bread',
      projectId: 'default',
      role: 'user',
      content: 'And a marmalade glaze?',
    });
    await waitFor(() => expect(screen.getByRole('button', { name: /Baking/ })).toBeTruthy(), {
      timeout: 3000,
    });
  });

  it('"All projects" searches every project and names the project of each hit; opening one switches to it', async () => {
    await seed();
    renderResults('dough');
    const list = await screen.findByRole('region', { name: 'Message matches' });
    await waitFor(() => expect(within(list).getAllByRole('button')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'All projects' }));
    // The other project's message, and its title (the open project's titles are listed by the title filter).
    await waitFor(() => expect(within(list).getAllByRole('button')).toHaveLength(4));
    const other = within(list).getByRole('button', { name: /Dough figures for the quarter/ });
    expect(other.textContent).toContain('Project: work');
    const title = within(list).getByRole('button', { name: /^Dough in another project.*Title: Dough/ });
    expect(title.textContent).toContain('Project: work');
    expect(within(list).queryByRole('button', { name: /Title: Baking/ })).toBeNull();
    fireEvent.click(other);
    expect(useUi.getState().projectId).toBe('work');
    expect(useUi.getState().activeByProject.work).toBe('c-other');
    expect(useJump.getState().target).toMatchObject({ conversationId: 'c-other', messageId: 'm3' });
  });

  it('"All projects" lists other projects\' conversations whose title matches; opening one opens it at its end', async () => {
    await seed();
    useSearchFilters.getState().set({ scope: 'all' });
    renderResults('another');
    const list = await screen.findByRole('region', { name: 'Message matches' });
    const hit = await within(list).findByRole('button', { name: /Title: Dough in another project/ });
    expect(hit.textContent).toContain('Project: work');
    fireEvent.click(hit);
    expect(useUi.getState().projectId).toBe('work');
    expect(useUi.getState().activeByProject.work).toBe('c-other');
    expect(useJump.getState().target).toBeUndefined();
  });

  it('narrows by role with the filters', async () => {
    await seed();
    renderResults('dough');
    const list = await screen.findByRole('region', { name: 'Message matches' });
    await waitFor(() => expect(within(list).getAllByRole('button')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Filters' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Role' }), { target: { value: 'assistant' } });
    await waitFor(() => expect(within(list).getAllByRole('button')).toHaveLength(1));
    expect(within(list).getByRole('button').textContent).toContain('Assistant:');
    expect(screen.getByRole('button', { name: 'Filters (1)' })).toBeTruthy();
  });

  it('"Show more" lists the next page of hits after the first', async () => {
    const count = CONTENT_SEARCH_LIMIT + 5;
    await storage.saveConversation(
      { id: 'c-many', projectId: 'default', title: 'Many' },
      Array.from({ length: count }, (_, i) => ({
        id: `n${String(i).padStart(3, '0')}`,
        conversationId: 'c-many',
        projectId: 'default',
        role: 'user' as const,
        content: `pancake number ${i}`,
      })),
    );
    renderResults('pancake');
    const list = await screen.findByRole('region', { name: 'Message matches' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(CONTENT_SEARCH_LIMIT));
    fireEvent.click(within(list).getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(count));
    expect(within(list).queryByRole('button', { name: 'Show more' })).toBeNull();
  });
});
