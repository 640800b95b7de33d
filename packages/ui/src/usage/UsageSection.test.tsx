import { type ChatStorageAdapter, newId } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { StorageProvider } from '../data/storage-context.js';
import { formatShort } from './format.js';
import { UsageChart } from './UsageChart.js';
import { UsageSection } from './UsageSection.js';

let storage: ChatStorageAdapter;
beforeEach(async () => {
  storage = await openTestStorage();
});
afterEach(() => storage.close());

/** A question and its answer in `projectId`; the answer carries `tokens` when given. */
async function exchange(projectId: string, model: string, tokens?: { input: number; output: number }) {
  const c = await storage.createConversation({ projectId });
  const q = await storage.saveMessage({
    id: newId(),
    conversationId: c.id,
    projectId,
    role: 'user',
    content: 'Question',
  });
  await storage.saveMessage({
    id: newId(),
    conversationId: c.id,
    projectId,
    role: 'assistant',
    content: 'Answer',
    parentId: q.id,
    metadata: { model, ...(tokens ? { tokens } : {}) },
  });
}

function renderSection() {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <StorageProvider value={storage}>
        <UsageSection />
      </StorageProvider>
    </QueryClientProvider>,
  );
}

const totals = () => screen.getAllByRole('definition').map((d) => d.textContent);
const rows = (table: string) =>
  within(screen.getByRole('table', { name: table }))
    .getAllByRole('row')
    .slice(1)
    .map((r) => [...r.children].map((c) => c.textContent));

describe('Settings > Usage', () => {
  it('adds up messages, answers and reported tokens per project (by name), per model and in all', async () => {
    await storage.saveProject({ id: 'p-work', name: 'Work' });
    await exchange('p-work', 'gpt-x', { input: 1200, output: 345 });
    await exchange('default', 'demo');
    renderSection();

    await waitFor(() => expect(totals()).toEqual(['4', '2', '1,200', '345']));
    expect(screen.getByText(/1 of 2 answers came with one/)).toBeTruthy();
    expect(rows('Usage per project')).toEqual(
      expect.arrayContaining([
        ['Work', '2', '1', '1,200', '345'],
        ['default', '2', '1', '0', '0'],
      ]),
    );
    expect(rows('Usage per model')).toEqual(
      expect.arrayContaining([
        ['gpt-x', '1', '1', '1,200', '345'],
        ['demo', '1', '1', '0', '0'],
      ]),
    );
    expect(rows('Usage per day')).toEqual([[expect.any(String), '4', '2', '1,200', '345', 'demo, gpt-x']]);
    expect(screen.getByRole('img', { name: /^Tokens per day from .* at most 1,545 a day/ })).toBeTruthy();

    fireEvent.change(screen.getByRole('combobox', { name: 'Usage for' }), { target: { value: 'p-work' } });
    await waitFor(() => expect(totals()).toEqual(['2', '1', '1,200', '345']));
    expect(rows('Usage per model')).toEqual([['gpt-x', '1', '1', '1,200', '345']]);
  });

  it('says when the period holds nothing', async () => {
    renderSection();
    expect(await screen.findByText('No messages in the last 30 days.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Last 90 days' }));
    expect(await screen.findByText('No messages in the last 90 days.')).toBeTruthy();
  });
});

describe('the usage chart', () => {
  const day = (d: string, messages: number, inputTokens = 0, outputTokens = 0) => ({
    day: d,
    messages,
    answers: 0,
    inputTokens,
    outputTokens,
    answersWithTokens: 0,
    models: [],
  });

  it('stacks tokens in and out per day, as tall as the busiest day', () => {
    const { container } = render(
      <UsageChart
        days={[day('2026-01-01', 2, 30, 10), day('2026-01-02', 0), day('2026-01-03', 4, 60, 20)]}
      />,
    );
    expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(
      /^Tokens per day from 2026-01-01 to 2026-01-03; at most 80 a day/,
    );
    const height = (cls: string) =>
      [...container.querySelectorAll(`rect.${cls}`)].map((r) => Number(r.getAttribute('height')));
    const inBars = height('usage-bar-in');
    const outBars = height('usage-bar-out');
    expect(inBars[1]).toBe(0);
    // The busiest day fills the plot; the first is half as tall.
    expect(inBars[2]! + outBars[2]!).toBeCloseTo(2 * (inBars[0]! + outBars[0]!));
    expect(inBars[2]).toBeCloseTo(3 * outBars[2]!);
  });

  it('counts messages where no endpoint reported tokens, and says so', () => {
    render(<UsageChart days={[day('2026-01-01', 3), day('2026-01-02', 6)]} />);
    expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(
      /^Messages per day .* at most 6 a day/,
    );
    expect(screen.getByText(/no token counts were reported/)).toBeTruthy();
  });

  it('shortens the axis figure: 999, 1.2k, 12k, 3.4M', () => {
    expect([999, 1234, 12_345, 3_400_000].map(formatShort)).toEqual(['999', '1.2k', '12k', '3.4M']);
  });
});
