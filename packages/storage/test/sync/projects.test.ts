// Projects sync as records of kind 'project' (protocol 1.1): a name, a
// rename or a delete made on one device reaches the others, and a moved
// conversation arrives in its new project with all its messages.
import { describe, expect, it } from 'vitest';
import { ADAPTER_KINDS, type Device, newDeviceStore, openDevice } from './harness/devices.js';
import { useTestServer } from './harness/server.js';
import { deviceSnapshot, serverSnapshot } from './harness/snapshot.js';

const fixture = useTestServer();

const open = fixture.open;

/** Edits in one millisecond are ordered by client id, not by call order: step past it. */
const laterMillisecond = () => new Promise((resolve) => setTimeout(resolve, 5));

describe.each(ADAPTER_KINDS)('projects across devices (%s)', (kind) => {
  /** Two devices of one account that both synced once already. */
  async function pair() {
    const { token, userId } = await fixture.server.signup();
    const a = await openDevice('a', {
      serverUrl: fixture.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
    });
    const b = await openDevice('b', {
      serverUrl: fixture.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
    });
    open.push(a, b);
    return { token, a, b };
  }

  const names = async (d: Device) => (await d.adapter.getProjects()).map((p) => [p.id, p.name]);

  it('a project made on A, then renamed, reaches B under the same id', async () => {
    const { a, b } = await pair();
    await a.adapter.saveProject({ id: 'p-travel', name: 'Travel' });
    await a.adapter.createConversation({ projectId: 'p-travel', title: 'Lisbon' });
    await a.sync();
    await b.sync();
    expect(await names(b)).toEqual([['p-travel', 'Travel']]);
    expect((await b.adapter.listConversations('p-travel')).map((c) => c.title)).toEqual(['Lisbon']);

    await a.adapter.saveProject({ id: 'p-travel', name: 'Trips' });
    await a.sync();
    await b.sync();
    expect(await names(b)).toEqual([['p-travel', 'Trips']]);
    expect(await b.adapter.getSyncMetadata('project', 'p-travel')).toMatchObject({ syncStatus: 'synced' });
  });

  it('two renames meet: the later one wins on both devices', async () => {
    const { a, b } = await pair();
    await a.adapter.saveProject({ id: 'p', name: 'First' });
    await a.sync();
    await b.sync();
    await b.adapter.saveProject({ id: 'p', name: 'From B, older' });
    await laterMillisecond();
    await a.adapter.saveProject({ id: 'p', name: 'From A, newer' });
    await a.sync();
    await b.sync();
    await a.sync();
    expect(await names(a)).toEqual([['p', 'From A, newer']]);
    expect(await names(b)).toEqual([['p', 'From A, newer']]);
  });

  it('a conversation moved on A reaches B in its new project, with every message', async () => {
    const { token, a, b } = await pair();
    await a.adapter.saveProject({ id: 'home', name: 'Home' });
    await a.adapter.saveProject({ id: 'work', name: 'Work' });
    const c = await a.adapter.createConversation({ projectId: 'home', title: 'Budget' });
    for (let i = 0; i < 3; i++) {
      await a.adapter.saveMessage({
        id: `m${i}`,
        conversationId: c.id,
        projectId: 'home',
        role: i % 2 ? 'assistant' : 'user',
        content: `line ${i}`,
      });
    }
    await a.sync();
    await b.sync();
    expect((await b.adapter.listConversations('home')).map((x) => x.id)).toEqual([c.id]);

    await a.adapter.moveConversation(c.id, 'work');
    await a.sync();
    await b.sync();
    expect(await b.adapter.listConversations('home')).toEqual([]);
    expect(await b.adapter.listConversations('work')).toMatchObject([{ id: c.id, messageCount: 3 }]);
    expect((await b.adapter.loadConversation(c.id)).map((m) => m.projectId)).toEqual([
      'work',
      'work',
      'work',
    ]);
    expect(await deviceSnapshot(b.adapter)).toEqual(await serverSnapshot(fixture.server.url, token));
  });

  it('a project deleted on A goes from B with its conversations, or moves them when A moved them', async () => {
    const { a, b } = await pair();
    await a.adapter.saveProject({ id: 'old', name: 'Old' });
    await a.adapter.saveProject({ id: 'gone', name: 'Gone' });
    await a.adapter.saveProject({ id: 'keep', name: 'Keep' });
    const moved = await a.adapter.createConversation({ projectId: 'old', title: 'moved' });
    const deleted = await a.adapter.createConversation({ projectId: 'gone', title: 'deleted' });
    await a.sync();
    await b.sync();

    await a.adapter.deleteProject('old', { moveTo: 'keep' });
    await a.adapter.deleteProject('gone');
    await a.sync();
    await b.sync();
    expect(await names(b)).toEqual([['keep', 'Keep']]);
    expect((await b.adapter.listConversations('keep')).map((x) => x.id)).toEqual([moved.id]);
    expect(await b.adapter.getConversation(deleted.id)).toBeUndefined();
  });

  it('a device that joins later gets the names of projects made before it', async () => {
    const { token, userId } = await fixture.server.signup();
    const a = await openDevice('a', {
      serverUrl: fixture.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
    });
    open.push(a);
    await a.adapter.saveProject({ id: 'p-old', name: 'Named before' });
    await a.adapter.createConversation({ projectId: 'p-old', title: 'kept' });
    await a.sync();
    // A fresh device lists conversations in one snapshot and pulls only after it.
    const c = await openDevice('c', {
      serverUrl: fixture.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
    });
    open.push(c);
    await c.sync();
    expect(await names(c)).toEqual([['p-old', 'Named before']]);
    expect((await c.adapter.listConversations('p-old')).map((x) => x.title)).toEqual(['kept']);
  });
});
