import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChatStorageAdapter, importConversations } from '@chatkeep/storage';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { ImportReport } from './ImportReport.js';

const fixture = readFileSync(
  join(import.meta.dirname, '../../../storage/src/import/fixtures/chatgpt-content-types.json'),
  'utf8',
);

let storage: ChatStorageAdapter;
beforeEach(async () => {
  storage = await openTestStorage();
});
afterEach(() => storage.close());

describe('ImportReport', () => {
  it('counts per kind what was kept differently, and lists it per conversation on request', async () => {
    const result = await importConversations(storage, fixture);
    render(<ImportReport result={result} fileName="conversations.json" projectId="default" />);
    const report = screen.getByRole('status', { name: 'Import report' });
    expect(report.textContent).toContain(
      'Imported 2 conversations and 16 messages from conversations.json (ChatGPT export) into project default.',
    );
    const counts = within(report).getByRole('list', { name: 'Kept differently' });
    expect(
      within(counts)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(
      expect.arrayContaining([
        '2 branches kept as versions',
        '2 images not included in the export',
        '1 audio clip not included in the export',
        '3 citation marks replaced by their links or removed',
      ]),
    );
    const details = within(report).getByText('Details per conversation (2)');
    fireEvent.click(details);
    const conversation = within(report).getByRole('region', { name: 'What is in this photo and recording?' });
    expect(conversation.textContent).toContain(
      'Image file-service://file-Cat123 (200 KB) is not included in the export',
    );
    expect(within(report).getByRole('region', { name: 'Odd nodes' }).textContent).toContain(
      'An empty assistant message was left out.',
    );
    expect(within(report).queryByText(/skipped/)).toBeNull();
  });

  it('lists what was skipped, with ids and reasons', async () => {
    const result = await importConversations(storage, JSON.stringify([{ title: 'No id', mapping: {} }]), {
      format: 'chatgpt',
    });
    render(<ImportReport result={result} fileName="c.json" projectId="default" />);
    const skipped = screen.getByRole('list', { name: 'Skipped' });
    expect(skipped.textContent).toMatch(/has neither "conversation_id" nor "id"/);
    expect(screen.queryByRole('list', { name: 'Kept differently' })).toBeNull();
  });
});
