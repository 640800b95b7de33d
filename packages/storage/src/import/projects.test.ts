import { describe, expect, it } from 'vitest';
import { exportConversations } from '../export/index.js';
import { conversationWith, openDb } from '../export/test-support/databases.js';
import { importConversations, projectsInImport } from './index.js';

/** An "All projects" export of three conversations in two projects. */
async function allProjectsExport(): Promise<string> {
  const source = await openDb();
  for (const [id, projectId] of [
    ['trip', 'travel'],
    ['visa', 'travel'],
    ['budget', 'work'],
  ] as const) {
    const { conversation, messages } = conversationWith(id, ['question', 'answer'], { projectId });
    await source.saveConversation(conversation, messages);
  }
  return exportConversations(source, { format: 'json' });
}

describe('restoring projects from a Chatkeep export', () => {
  it('puts each conversation back in its own project, creating the projects', async () => {
    const file = await allProjectsExport();
    const db = await openDb();
    const { conversation, messages } = conversationWith('mine', ['hello'], { projectId: 'default' });
    await db.saveConversation(conversation, messages);

    const result = await importConversations(db, file);
    expect(result.conversations).toBe(3);
    expect((await db.listProjects()).sort()).toEqual(['default', 'travel', 'work']);
    expect((await db.listConversations('travel')).map((c) => c.id).sort()).toEqual(['trip', 'visa']);
    expect((await db.listConversations('work')).map((c) => c.id)).toEqual(['budget']);
    expect((await db.listConversations('default')).map((c) => c.id)).toEqual(['mine']);
    for (const m of await db.loadConversation('budget')) expect(m.projectId).toBe('work');
  });

  it('puts everything into the project given by opts.projectId', async () => {
    const file = await allProjectsExport();
    const db = await openDb();
    await importConversations(db, file, { projectId: 'inbox' });
    expect(await db.listProjects()).toEqual(['inbox']);
    expect(await db.listConversations('inbox')).toHaveLength(3);
    for (const m of await db.loadConversation('trip')) expect(m.projectId).toBe('inbox');
  });

  it('tells the app which projects a file holds before importing it', async () => {
    const file = await allProjectsExport();
    expect(await projectsInImport(file)).toEqual(['travel', 'work']);
    expect(await projectsInImport(new Blob([file]))).toEqual(['travel', 'work']);
    expect(await projectsInImport('[{"mapping": {}}]')).toEqual([]);
    expect(await projectsInImport(new Blob(['  [{"mapping": {}}]']))).toEqual([]);
    expect(await projectsInImport('not json')).toEqual([]);
    expect(await projectsInImport(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toEqual([]);
  });
});
