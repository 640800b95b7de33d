import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChatStorageAdapter, exportConversations } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { StorageProvider } from '../data/storage-context.js';
import { useUi } from '../data/ui-store.js';
import { SettingsDialog } from '../settings/SettingsDialog.js';

const chatgpt = readFileSync(
  join(import.meta.dirname, '../../e2e/fixtures/chatgpt-conversations.json'),
  'utf8',
);

let storage: ChatStorageAdapter;
beforeEach(async () => {
  storage = await openTestStorage();
  useUi.setState({ projectId: 'research' });
});
afterEach(async () => {
  await storage.close();
  useUi.setState({ projectId: 'default' });
});

function openSettings() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <StorageProvider value={storage}>
        <SettingsDialog open onClose={() => {}} />
      </StorageProvider>
    </QueryClientProvider>,
  );
  return screen.getByRole('region', { name: 'Export and import' });
}

function pick(section: HTMLElement, name: string, text: string) {
  const input = within(section).getByLabelText('Import file') as HTMLInputElement;
  const file = new File([text], name, { type: 'application/json' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  fireEvent.change(input);
}

describe('Settings: Export and import', () => {
  it('is a section of the Settings dialog offering this project or everything, as JSON or Markdown', () => {
    const section = openSettings();
    expect(within(section).getByRole('radio', { name: /This project.*research/ })).toHaveProperty(
      'checked',
      true,
    );
    expect(within(section).getByRole('radio', { name: 'All projects' })).toBeTruthy();
    expect(within(section).getByRole('radio', { name: /JSON/ })).toHaveProperty('checked', true);
    expect(within(section).getByRole('radio', { name: /Markdown/ })).toBeTruthy();
    expect(within(section).getByRole('button', { name: 'Export' })).toBeTruthy();
    expect((within(section).getByLabelText('Import file') as HTMLInputElement).accept).toContain('.json');
  });

  it('imports a ChatGPT conversations.json into the current project and reports it', async () => {
    const section = openSettings();
    pick(section, 'conversations.json', chatgpt);
    const report = await within(section).findByRole('status', { name: 'Import report' });
    expect(report.textContent).toContain('Imported 2 conversations and 5 messages');
    expect(report.textContent).toContain('ChatGPT export');
    expect(report.textContent).toContain('project research');
    // Its empty root nodes are nothing to report.
    expect(within(report).queryAllByRole('listitem')).toEqual([]);
    const titles = (await storage.listConversations('research')).map((c) => c.title).sort();
    expect(titles).toEqual(['Sourdough starter care', 'Why there are two tides']);
  });

  it('explains a file it cannot read, and saves nothing', async () => {
    const section = openSettings();
    pick(section, 'notes.md', '# Not JSON');
    const alert = await within(section).findByRole('alert');
    expect(alert.textContent).toMatch(/^notes\.md was not imported: The file is not valid JSON/);
    await waitFor(() => expect(within(section).queryByText('Importing…')).toBeNull());
    expect(await storage.listProjects()).toEqual([]);
  });

  describe('a Chatkeep export of several projects', () => {
    /** An "All projects" export: one conversation in "travel", one in "work". */
    async function allProjectsFile(): Promise<string> {
      const source = await openTestStorage();
      for (const [id, project] of [
        ['trip', 'travel'],
        ['budget', 'work'],
      ] as const) {
        await source.saveConversation({ id, projectId: project, title: `About ${id}` }, [
          { id: `${id}-1`, conversationId: id, projectId: project, role: 'user', content: 'Hello' },
        ]);
      }
      const text = await exportConversations(source, { format: 'json' });
      await source.close();
      return text;
    }

    it('asks first, and by default keeps the projects in the file', async () => {
      const section = openSettings();
      pick(section, 'all-projects.json', await allProjectsFile());
      const keep = await within(section).findByRole('radio', { name: 'Keep the projects in the file' });
      expect(keep).toHaveProperty('checked', true);
      expect(within(section).getByRole('radio', { name: 'Put everything in research' })).toHaveProperty(
        'checked',
        false,
      );
      expect(await storage.listProjects()).toEqual([]);
      fireEvent.click(within(section).getByRole('button', { name: 'Import' }));
      const report = await within(section).findByRole('status', { name: 'Import report' });
      expect(report.textContent).toContain('Imported 2 conversations');
      expect((await storage.listProjects()).sort()).toEqual(['travel', 'work']);
      expect(within(section).queryByRole('radio', { name: 'Keep the projects in the file' })).toBeNull();
    });

    it('puts everything in the current project when asked', async () => {
      const section = openSettings();
      pick(section, 'all-projects.json', await allProjectsFile());
      fireEvent.click(await within(section).findByRole('radio', { name: 'Put everything in research' }));
      fireEvent.click(within(section).getByRole('button', { name: 'Import' }));
      await within(section).findByRole('status', { name: 'Import report' });
      expect(await storage.listProjects()).toEqual(['research']);
      expect(await storage.listConversations('research')).toHaveLength(2);
    });

    it('imports nothing when cancelled', async () => {
      const section = openSettings();
      pick(section, 'all-projects.json', await allProjectsFile());
      fireEvent.click(await within(section).findByRole('button', { name: 'Cancel' }));
      expect(within(section).queryByRole('radio', { name: 'Keep the projects in the file' })).toBeNull();
      expect(await storage.listProjects()).toEqual([]);
    });
  });
});
