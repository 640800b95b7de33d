import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChatStorageAdapter, importConversations } from '@chatkeep/storage';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { ImportReport } from './ImportReport.js';

const readFixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../../storage/src/import/fixtures', name), 'utf8');
const fixture = readFixture('chatgpt-content-types.json');

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

  it('names a Claude.ai export and counts what it kept differently, skipping only what it could not import', async () => {
    const result = await importConversations(storage, readFixture('claude-conversations.json'));
    render(<ImportReport result={result} fileName="conversations.json" projectId="default" />);
    const report = screen.getByRole('status', { name: 'Import report' });
    expect(report.textContent).toContain(
      'Imported 2 conversations and 11 messages from conversations.json (Claude.ai export) into project default.',
    );
    const counts = within(report).getByRole('list', { name: 'Kept differently' });
    expect(
      within(counts)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      '1 branch kept as versions',
      '2 files not included in the export',
      '1 answer\'s reasoning kept as a "Reasoning" block',
      '2 tool calls or results kept as tool messages',
      '1 part of an unknown type kept in metadata',
      '1 empty message left out',
      '1 broken link in the message tree repaired',
    ]);
    fireEvent.click(within(report).getByText('Details per conversation (1)'));
    expect(within(report).getByRole('region', { name: 'Planning a spring garden' }).textContent).toContain(
      'File "garden-bed.jpg" is not included in the export; listed by name only.',
    );
    const skipped = within(report).getByRole('list', { name: 'Skipped' });
    expect(within(skipped).getAllByRole('listitem')).toHaveLength(2);
    expect(skipped.textContent).toMatch(/sender "system" is neither "human" nor "assistant"/);
  });

  it('names an Open WebUI export and counts its branch, empty message and tree repair', async () => {
    const result = await importConversations(storage, readFixture('open-webui-chats.json'));
    render(<ImportReport result={result} fileName="chat-export.json" projectId="default" />);
    const report = screen.getByRole('status', { name: 'Import report' });
    expect(report.textContent).toContain(
      'Imported 2 conversations and 8 messages from chat-export.json (Open WebUI export) into project default.',
    );
    expect(
      within(within(report).getByRole('list', { name: 'Kept differently' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      '1 branch kept as versions',
      '1 empty message left out',
      '1 broken link in the message tree repaired',
    ]);
    fireEvent.click(within(report).getByText('Details per conversation (1)'));
    expect(within(report).getByRole('region', { name: 'Sourdough starter' }).textContent).toContain(
      'from Open WebUI is kept as a version',
    );
    expect(within(report).queryByRole('list', { name: 'Skipped' })).toBeNull();
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
