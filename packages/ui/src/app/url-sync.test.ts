import { type ChatStorageAdapter, openChatStorage } from '@chatkeep/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useUi } from '../data/ui-store.js';
import { parsePath, pathFor, pathOf } from './paths.js';
import { startUrlSync, type UrlSync } from './url-sync.js';

describe('paths', () => {
  it('reads and writes /c/<id> and /p/<project>, escaping what an id may hold', () => {
    expect(parsePath('/c/0193-abc')).toEqual({ kind: 'conversation', conversationId: '0193-abc' });
    expect(parsePath('/p/My%20Project')).toEqual({ kind: 'project', projectId: 'My Project' });
    expect(pathOf({ kind: 'project', projectId: 'My Project/2' })).toBe('/p/My%20Project%2F2');
    expect(parsePath(pathOf({ kind: 'project', projectId: 'My Project/2' }))).toEqual({
      kind: 'project',
      projectId: 'My Project/2',
    });
    expect(pathFor('default', null)).toBe('/p/default');
    expect(pathFor('default', 'c1')).toBe('/c/c1');
  });

  it('anything else, and a malformed escape, is the start page', () => {
    for (const path of ['/', '/s/share-id', '/c/', '/c/a/b', '/p/%E0%A4%A']) {
      expect(parsePath(path), path).toEqual({ kind: 'home' });
    }
  });
});

describe('the address and the open conversation', () => {
  let adapter: ChatStorageAdapter;
  let sync: UrlSync | undefined;

  beforeEach(async () => {
    adapter = await openChatStorage({ dbName: `url-sync-${Math.random()}` });
    useUi.setState({ projectId: 'default', activeByProject: {} });
    window.history.replaceState(null, '', '/');
  });
  afterEach(async () => {
    sync?.stop();
    await adapter.close();
  });

  const open = () => useUi.getState().activeByProject[useUi.getState().projectId] ?? null;
  const popTo = async (path: string) => {
    window.history.replaceState(null, '', path);
    window.dispatchEvent(new PopStateEvent('popstate'));
    await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('opening conversations pushes one history entry each; Back reopens the one before', async () => {
    const a = await adapter.createConversation({ projectId: 'default', title: 'a' });
    const b = await adapter.createConversation({ projectId: 'default', title: 'b' });
    sync = startUrlSync(adapter);
    await sync.ready;
    expect(window.location.pathname).toBe('/p/default');
    const length = window.history.length;
    // From a new chat, the conversation takes its entry; from a conversation, a new entry.
    useUi.getState().openConversation(a.id);
    expect(window.history.length).toBe(length);
    useUi.getState().openConversation(b.id);
    expect(window.location.pathname).toBe(`/c/${b.id}`);
    expect(window.history.length).toBe(length + 1);
    await popTo(`/c/${a.id}`);
    expect(open()).toBe(a.id);
    // Applying an address pushes nothing of its own.
    expect(window.history.length).toBe(length + 1);
  });

  it('a link opens the conversation in its own project, and the project left keeps what it had open', async () => {
    const here = await adapter.createConversation({ projectId: 'default', title: 'here' });
    const there = await adapter.createConversation({ projectId: 'work', title: 'there' });
    useUi.setState({ projectId: 'default', activeByProject: { default: here.id } });
    window.history.replaceState(null, '', `/c/${there.id}`);
    sync = startUrlSync(adapter);
    await sync.ready;
    expect(useUi.getState().projectId).toBe('work');
    expect(open()).toBe(there.id);
    expect(useUi.getState().activeByProject.default).toBe(here.id);
    expect(window.location.pathname).toBe(`/c/${there.id}`);
  });

  it('/p/<project> opens the project on a new chat; the start page shows what was open last', async () => {
    const c = await adapter.createConversation({ projectId: 'work' });
    useUi.setState({ projectId: 'work', activeByProject: { work: c.id } });
    sync = startUrlSync(adapter);
    await sync.ready;
    expect(window.location.pathname).toBe(`/c/${c.id}`);
    await popTo('/p/work');
    expect(useUi.getState().projectId).toBe('work');
    expect(open()).toBeNull();
  });

  it('a linked conversation not on this device opens by itself once it arrives', async () => {
    window.history.replaceState(null, '', '/c/later');
    sync = startUrlSync(adapter);
    await sync.ready;
    expect(open()).toBe('later');
    await adapter.createConversation({ projectId: 'elsewhere', id: 'later' });
    await expect.poll(() => useUi.getState().projectId).toBe('elsewhere');
    expect(open()).toBe('later');
  });

  it('other pages of the site (a share link) are left alone', async () => {
    window.history.replaceState(null, '', '/s/abc');
    sync = startUrlSync(adapter);
    await sync.ready;
    expect(window.location.pathname).toBe('/s/abc');
  });
});
