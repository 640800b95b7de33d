// Last write wins, but the losing edit is never silently lost; and a device
// that changes account uploads its history to the new one.
import { describe, expect, it } from 'vitest';
import { openDevice } from './harness/devices.js';
import { useTestServer } from './harness/server.js';
import { deviceSnapshot, serverSnapshot } from './harness/snapshot.js';

const fixture = useTestServer();

const open = fixture.open;

async function pair() {
  const { token, userId } = await fixture.server.signup();
  const a = await openDevice('a', { serverUrl: fixture.server.url, token, userId });
  const b = await openDevice('b', { serverUrl: fixture.server.url, token, userId });
  open.push(a, b);
  return { token, userId, a, b };
}

/** Edits in one millisecond are ordered by client id, not by call order: step past it. */
const laterMillisecond = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('conflicts', () => {
  it('a push answered stale adopts the newer version and keeps the local edit as a conflict', async () => {
    const { token, a, b } = await pair();
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'original' });
    await a.sync();
    await b.sync();
    // b edits first (older stamp) but a's later edit reaches the server first.
    await b.adapter.updateConversation(c.id, { title: 'b, older' });
    await laterMillisecond();
    await a.adapter.updateConversation(c.id, { title: 'a, newer' });
    await a.sync();
    // b pushes before it pulls: the server answers stale with a's version as current.
    const status = await b.sync();
    expect((await b.adapter.getConversation(c.id))?.title).toBe('a, newer');
    expect(status).toMatchObject({ state: 'synced', conflicts: 1 });
    const [conflict] = await b.engine.listConflicts();
    expect(conflict).toMatchObject({ kind: 'conversation', recordId: c.id, local: { title: 'b, older' } });
    expect(await b.adapter.getSyncMetadata('conversation', c.id)).toMatchObject({ syncStatus: 'synced' });
    expect(await deviceSnapshot(b.adapter)).toEqual(await serverSnapshot(fixture.server.url, token));
  });

  it('stale answers whose currents do not all fit the answer settle through the pull that follows', async () => {
    const { token, userId, a } = await pair();
    // b reads its push answers: one must carry a current without data (truncated).
    const pushAnswers: string[] = [];
    const b = await openDevice('b2', {
      serverUrl: fixture.server.url,
      token,
      userId,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).endsWith('/v1/sync/push')) pushAnswers.push(await response.clone().text());
        return response;
      },
    });
    open.push(b);
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'large records' });
    const ids = ['big0', 'big1', 'big2', 'big3', 'big4'];
    for (const id of ids) {
      await a.adapter.saveMessage({ id, conversationId: c.id, projectId: 'p1', role: 'user', content: id });
    }
    await a.sync();
    await b.sync();
    for (const id of ids) await b.adapter.updateMessage(id, { content: `${id} from b, older` });
    await laterMillisecond();
    // Five newer records of 3.5 MB each: together over the 16 MiB answer limit.
    for (const id of ids) await a.adapter.updateMessage(id, { content: id.at(-1)!.repeat(3_500_000) });
    await a.sync();
    pushAnswers.length = 0;
    const status = await b.sync();
    const results = JSON.parse(pushAnswers[0]!).results as {
      status: string;
      current?: { truncated?: true };
    }[];
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'stale'));
    expect(results.filter((r) => r.current?.truncated).length).toBeGreaterThan(0);
    expect(status).toMatchObject({ state: 'synced', conflicts: ids.length });
    for (const id of ids) {
      expect((await b.adapter.getSyncMetadata('message', id))?.syncStatus).toBe('synced');
    }
    expect(await deviceSnapshot(b.adapter)).toEqual(await serverSnapshot(fixture.server.url, token));
  });

  it('an edit that was already pushed and then overwritten is not a conflict', async () => {
    const { a, b } = await pair();
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'original' });
    await a.sync();
    await b.sync();
    await a.adapter.updateConversation(c.id, { title: 'a' });
    await a.sync();
    await b.sync();
    await b.adapter.updateConversation(c.id, { title: 'b' });
    await b.sync();
    await a.sync();
    expect((await a.adapter.getConversation(c.id))?.title).toBe('b');
    expect(await a.engine.listConflicts()).toEqual([]);
    expect(await b.engine.listConflicts()).toEqual([]);
  });

  it('restoring a conflict writes the losing version back as a new edit that syncs everywhere', async () => {
    const { token, a, b } = await pair();
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'start' });
    await a.sync();
    await b.sync();
    await a.adapter.updateConversation(c.id, { title: 'mine' });
    await b.adapter.updateConversation(c.id, { title: 'theirs' });
    await b.sync();
    await a.sync();
    const [conflict] = await a.engine.listConflicts();
    expect(conflict?.local).toMatchObject({ title: 'mine' });

    await a.engine.restoreConflict(conflict!.id);
    expect(a.engine.getStatus().conflicts).toBe(0);
    await a.sync();
    await b.sync();
    expect((await b.adapter.getConversation(c.id))?.title).toBe('mine');
    expect(await deviceSnapshot(b.adapter)).toEqual(await serverSnapshot(fixture.server.url, token));
  });

  it('dismissing a conflict drops it without touching the records', async () => {
    const { a, b } = await pair();
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'start' });
    await a.sync();
    await b.sync();
    await a.adapter.updateConversation(c.id, { title: 'mine' });
    await b.adapter.updateConversation(c.id, { title: 'theirs' });
    await b.sync();
    await a.sync();
    const [conflict] = await a.engine.listConflicts();
    await a.engine.dismissConflict(conflict!.id);
    expect(await a.engine.listConflicts()).toEqual([]);
    expect(a.engine.getStatus().conflicts).toBe(0);
    expect((await a.adapter.getConversation(c.id))?.title).toBe('theirs');
  });

  it('a streaming reply edited on two devices keeps the losing text as a conflict', async () => {
    const { token, a, b } = await pair();
    const c = await a.adapter.createConversation({ projectId: 'p1' });
    await a.adapter.saveMessage({
      id: 'r',
      conversationId: c.id,
      projectId: 'p1',
      role: 'assistant',
      content: 'Hel',
      status: 'streaming',
    });
    await a.sync();
    await b.sync();
    await b.adapter.updateMessage('r', { content: 'Hello (edited on b)', status: 'complete' });
    await laterMillisecond();
    await a.adapter.updateMessage('r', { content: 'Hello, world', status: 'complete' });
    await a.sync();
    await b.sync();
    expect((await b.adapter.loadConversation(c.id))[0]?.content).toBe('Hello, world');
    const [conflict] = await b.engine.listConflicts();
    expect(conflict).toMatchObject({
      kind: 'message',
      recordId: 'r',
      local: { content: 'Hello (edited on b)' },
    });
    expect(await deviceSnapshot(b.adapter)).toEqual(await serverSnapshot(fixture.server.url, token));
  });
});

describe('deletes that cross', () => {
  it('deleting a message whose conversation another device deleted settles with nothing left pending', async () => {
    const { token, a, b } = await pair();
    const c = await a.adapter.createConversation({ projectId: 'p1' });
    await a.adapter.saveMessage({
      id: 'gone',
      conversationId: c.id,
      projectId: 'p1',
      role: 'user',
      content: 'x',
    });
    await a.sync();
    await b.sync();
    await b.adapter.deleteConversation(c.id);
    await b.sync();
    await a.adapter.deleteMessage('gone');
    const status = await a.sync();
    expect(status).toMatchObject({ state: 'synced', conflicts: 0 });
    expect(await a.adapter.pendingCount()).toBe(0);
    expect(await a.adapter.getConversation(c.id)).toBeUndefined();
    expect(await deviceSnapshot(a.adapter)).toEqual(await serverSnapshot(fixture.server.url, token));
  });

  it('a conversation delete that loses to a newer edit leaves the device holding what the server holds', async () => {
    const { token, a, b } = await pair();
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'kept' });
    await a.adapter.saveMessage({
      id: 'survivor',
      conversationId: c.id,
      projectId: 'p1',
      role: 'user',
      content: 'x',
    });
    await a.sync();
    await b.sync();
    // a deletes the conversation; b renames it afterwards (newer stamp) and pushes first.
    await a.adapter.deleteConversation(c.id);
    await b.adapter.updateConversation(c.id, { title: 'renamed after the delete' });
    await b.sync();
    await a.sync();
    await b.sync();
    // Per record, last write wins: the conversation lives on. Its message must then
    // be in the same state on every device and on the server, whichever it is.
    const onServer = await serverSnapshot(fixture.server.url, token);
    expect(onServer.conversations[c.id]?.title).toBe('renamed after the delete');
    expect(await deviceSnapshot(a.adapter)).toEqual(onServer);
    expect(await deviceSnapshot(b.adapter)).toEqual(onServer);
  });

  it('a message written after a winning conversation delete is deleted on its device too, even once a newer edit restores the conversation', async () => {
    const { token, userId, a: deleter, b: restorer } = await pair();
    const writer = await openDevice('writer', { serverUrl: fixture.server.url, token, userId });
    open.push(writer);
    const c = await deleter.adapter.createConversation({ projectId: 'p1', title: 'shared' });
    await deleter.sync();
    await restorer.sync();
    await writer.sync();
    // Stamps: delete < late message < restoring edit; pushes: message, delete, edit.
    await deleter.adapter.deleteConversation(c.id);
    await laterMillisecond();
    await writer.adapter.saveMessage({
      id: 'late',
      conversationId: c.id,
      projectId: 'p1',
      role: 'user',
      content: 'written without seeing the delete',
    });
    await writer.sync();
    // The delete is newer than the conversation the server holds: it wins and takes every message.
    await deleter.sync();
    await laterMillisecond();
    await restorer.adapter.updateConversation(c.id, { title: 'restored' });
    await restorer.sync();
    // The writer now pulls the restored conversation and the late message's tombstone,
    // stamped with the delete's (older) stamp.
    await writer.sync();
    await deleter.sync();
    const onServer = await serverSnapshot(fixture.server.url, token);
    expect(onServer.conversations[c.id]?.title).toBe('restored');
    expect(onServer.messages.late).toBeUndefined();
    for (const d of [writer, deleter, restorer]) {
      expect(await deviceSnapshot(d.adapter), `${d.name} holds what the server holds`).toEqual(onServer);
      expect(await d.adapter.pendingCount()).toBe(0);
    }
    expect(await writer.adapter.getConversation(c.id)).toMatchObject({ messageCount: 0 });
  });
});

describe('accounts', () => {
  it('signing in to another account uploads the whole local history there', async () => {
    const first = await fixture.server.signup();
    const second = await fixture.server.signup();
    const d = await openDevice('d', {
      serverUrl: fixture.server.url,
      token: first.token,
      userId: first.userId,
    });
    open.push(d);
    const c = await d.adapter.createConversation({ projectId: 'p1', title: 'mine' });
    await d.adapter.saveMessage({
      id: 'm',
      conversationId: c.id,
      projectId: 'p1',
      role: 'user',
      content: 'hello',
    });
    await d.sync();
    expect(await d.adapter.getCursor()).toBeDefined();

    await d.engine.setToken(second.token, { userId: second.userId });
    expect(d.engine.getStatus().state).toBe('synced');
    const there = await serverSnapshot(fixture.server.url, second.token);
    expect(Object.keys(there.conversations)).toEqual([c.id]);
    expect(Object.keys(there.messages)).toEqual(['m']);
    // The first account still has its copy.
    expect(await serverSnapshot(fixture.server.url, first.token)).toEqual(there);
  });

  it('a new token for the same account does not re-upload anything', async () => {
    const { token, userId } = await fixture.server.signup();
    const d = await openDevice('d', { serverUrl: fixture.server.url, token, userId });
    open.push(d);
    await d.adapter.createConversation({ projectId: 'p1' });
    await d.sync();
    const pushesBefore = d.pushes();
    await d.engine.setToken(token, { userId });
    expect(d.pushes()).toBe(pushesBefore);
  });

  it('signing out keeps every local record', async () => {
    const { token, userId } = await fixture.server.signup();
    const d = await openDevice('d', { serverUrl: fixture.server.url, token, userId });
    open.push(d);
    const c = await d.adapter.createConversation({ projectId: 'p1', title: 'stays' });
    await d.sync();
    await d.engine.setToken(null);
    expect(d.engine.getStatus().state).toBe('signed-out');
    await d.adapter.updateConversation(c.id, { title: 'edited while signed out' });
    expect((await d.engine.syncNow()).state).toBe('signed-out');
    expect((await d.adapter.getConversation(c.id))?.title).toBe('edited while signed out');
    expect(await d.adapter.pendingCount()).toBe(1);
  });
});
