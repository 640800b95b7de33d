import { type ChatStorageAdapter, importConversations } from '@chatkeep/storage';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { downloadExport, exportFileName, fileSlug, saveBlob } from './download.js';

const opened: ChatStorageAdapter[] = [];
async function storage() {
  const s = await openTestStorage();
  opened.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  vi.restoreAllMocks();
});

const DAY = Date.parse('2025-06-02T12:00:00Z');

describe('export file names', () => {
  it('a whole export is named by exportFileInfo: chatkeep-export-<day>.<ext>', () => {
    expect(exportFileName('json', DAY)).toBe('chatkeep-export-2025-06-02.json');
    expect(exportFileName('markdown', DAY)).toBe('chatkeep-export-2025-06-02.md');
  });

  it('a single conversation carries its title, made safe for file systems', () => {
    expect(exportFileName('json', DAY, 'Plans: Q3 / Q4 — "draft"?')).toBe(
      'chatkeep-plans-q3-q4-draft-2025-06-02.json',
    );
    expect(fileSlug('Crème brûlée')).toBe('creme-brulee');
    expect(fileSlug('日本語のチャット')).toBe('日本語のチャット');
    expect(exportFileName('markdown', DAY, '???')).toBe('chatkeep-export-2025-06-02.md');
    expect(fileSlug('a'.repeat(80))).toHaveLength(40);
  });
});

describe('downloadExport', () => {
  it('a JSON export of one conversation imports back into an empty storage unchanged', async () => {
    const source = await storage();
    await source.saveConversation({ id: 'c1', projectId: 'default', title: 'Round trip' }, [
      { id: 'm1', conversationId: 'c1', projectId: 'default', role: 'user', content: 'Hello **there**' },
      {
        id: 'm2',
        conversationId: 'c1',
        projectId: 'default',
        role: 'assistant',
        content: 'Hi!\n\n```js\n1\n```',
      },
    ]);
    await source.saveConversation({ id: 'c2', projectId: 'default', title: 'Not exported' }, []);
    let saved: { blob: Blob; fileName: string } | undefined;
    const { fileName, size } = await downloadExport(
      source,
      { format: 'json', conversationIds: ['c1'], title: 'Round trip', now: () => DAY },
      (blob, name) => {
        saved = { blob, fileName: name };
      },
    );
    expect(fileName).toBe('chatkeep-round-trip-2025-06-02.json');
    expect(saved?.fileName).toBe(fileName);
    expect(saved?.blob.type).toMatch(/^application\/json/);
    expect(size).toBe(saved?.blob.size);

    const target = await storage();
    const result = await importConversations(target, await saved!.blob.text());
    expect(result).toMatchObject({ conversations: 1, messages: 2, skipped: [] });
    expect(await target.getConversation('c2')).toBeUndefined();
    expect(await target.loadConversation('c1')).toEqual(await source.loadConversation('c1'));
  });

  it('a Markdown export of a project holds its conversations and messages', async () => {
    const source = await storage();
    await source.saveConversation({ id: 'c1', projectId: 'work', title: 'Quarterly plan' }, [
      { id: 'm1', conversationId: 'c1', projectId: 'work', role: 'user', content: 'List the milestones' },
    ]);
    await source.saveConversation({ id: 'c2', projectId: 'home', title: 'Groceries' }, []);
    let text = '';
    await downloadExport(source, { format: 'markdown', projectId: 'work' }, async (blob) => {
      text = await blob.text();
    });
    await vi.waitFor(() => expect(text).not.toBe(''));
    expect(text).toContain('Quarterly plan');
    expect(text).toContain('List the milestones');
    expect(text).not.toContain('Groceries');
  });

  it('an export of a deleted conversation fails with a message saying so, and downloads nothing', async () => {
    const source = await storage();
    const save = vi.fn();
    await expect(downloadExport(source, { format: 'json', conversationIds: ['gone'] }, save)).rejects.toThrow(
      /does not exist/,
    );
    expect(save).not.toHaveBeenCalled();
  });
});

describe('saveBlob', () => {
  it('clicks a download link named after the file and lets go of it', () => {
    const url = 'blob:test/1';
    vi.spyOn(URL, 'createObjectURL').mockReturnValue(url);
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    saveBlob(new Blob(['{}']), 'chatkeep-export-2025-06-02.json');
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('chatkeep-export-2025-06-02.json');
    expect(clicked[0]!.href).toBe(url);
    expect(document.querySelector('a[download]')).toBeNull();
  });
});
