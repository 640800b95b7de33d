// Two and three devices against the real server converge after edits,
// deletes and offline periods.
import { describe, expect, it } from 'vitest';
import { ADAPTER_KINDS, type Device, newDeviceStore, openDevice } from './harness/devices.js';
import { useTestServer } from './harness/server.js';
import { deviceSnapshot, serverSnapshot, summaries } from './harness/snapshot.js';

const fixture = useTestServer();

const open = fixture.open;

describe.each(ADAPTER_KINDS)('devices converge (%s)', (kind) => {
  async function devices(n: number) {
    const { token, userId } = await fixture.server.signup();
    const list: Device[] = [];
    for (let i = 0; i < n; i++) {
      const d = await openDevice(`device${i}`, {
        serverUrl: fixture.server.url,
        token,
        userId,
        store: newDeviceStore(kind),
      });
      open.push(d);
      list.push(d);
    }
    return { token, list };
  }

  async function expectConverged(token: string, list: Device[]) {
    const server0 = await serverSnapshot(fixture.server.url, token);
    for (const d of list) {
      expect(await deviceSnapshot(d.adapter), `${d.name} holds what the server holds`).toEqual(server0);
      expect(await d.adapter.pendingCount(), `${d.name} has nothing left to push`).toBe(0);
    }
    const first = await summaries(list[0]!.adapter);
    for (const d of list.slice(1)) expect(await summaries(d.adapter)).toEqual(first);
    return server0;
  }

  it('a conversation written on one device appears on the other with its messages and summary', async () => {
    const { token, list } = await devices(2);
    const [a, b] = list as [Device, Device];
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'Trip plans' });
    await a.adapter.saveMessage({
      id: 'm1',
      conversationId: c.id,
      projectId: 'p1',
      role: 'user',
      content: 'Where to?',
    });
    await a.adapter.saveMessage({
      id: 'm2',
      conversationId: c.id,
      projectId: 'p1',
      role: 'assistant',
      content: 'Lisbon.',
    });
    expect((await a.sync()).state).toBe('synced');
    expect((await b.sync()).state).toBe('synced');
    expect(await b.adapter.getConversation(c.id)).toMatchObject({
      title: 'Trip plans',
      messageCount: 2,
      lastMessage: 'Lisbon.',
    });
    expect(a.engine.getStatus().lastSyncedAt).toEqual(expect.any(Number));
    await expectConverged(token, list);
  });

  it('edits, deletes and offline periods on three devices end the same everywhere', async () => {
    const { token, list } = await devices(3);
    const [a, b, c] = list as [Device, Device, Device];
    const conv = await a.adapter.createConversation({ projectId: 'p1', title: 'one' });
    const keep = await a.adapter.createConversation({ projectId: 'p2', title: 'two' });
    for (let i = 0; i < 5; i++) {
      await a.adapter.saveMessage({
        id: `a${i}`,
        conversationId: conv.id,
        projectId: 'p1',
        role: 'user',
        content: `a${i}`,
      });
    }
    await a.sync();
    await b.sync();
    await c.sync();

    // b edits offline while c deletes and edits messages and a changes flags.
    b.network.setOnline(false);
    await b.adapter.updateConversation(conv.id, { title: 'renamed offline on b' });
    await b.adapter.saveMessage({
      id: 'b1',
      conversationId: keep.id,
      projectId: 'p2',
      role: 'user',
      content: 'from b',
    });
    expect((await b.engine.syncNow()).state).toBe('offline');
    expect(b.engine.getStatus()).toMatchObject({ state: 'offline', pending: 2 });

    await c.adapter.deleteMessage('a3');
    await c.adapter.updateMessage('a1', { content: 'a1 edited on c' });
    await c.sync();
    await a.adapter.updateConversation(keep.id, { pinned: true, tags: ['x'] });
    await a.sync();

    b.network.setOnline(true);
    await b.sync();
    await a.sync();
    await c.sync();
    const final = await expectConverged(token, list);
    expect(final.conversations[conv.id]?.title).toBe('renamed offline on b');
    expect(final.messages.a3).toBeUndefined();
    expect(final.messages.a1?.content).toBe('a1 edited on c');
    expect(final.conversations[keep.id]).toMatchObject({ pinned: true, tags: ['x'] });
  });

  it('a deleted conversation takes its messages on every device, and nothing resurrects it', async () => {
    const { token, list } = await devices(3);
    const [a, b, c] = list as [Device, Device, Device];
    const conv = await a.adapter.createConversation({ projectId: 'p1', title: 'doomed' });
    await a.adapter.saveMessage({
      id: 'x1',
      conversationId: conv.id,
      projectId: 'p1',
      role: 'user',
      content: 'x1',
    });
    await a.sync();
    await b.sync();
    await c.sync();
    // c, offline, keeps writing into it; b deletes it.
    c.network.setOnline(false);
    await c.adapter.saveMessage({
      id: 'x2',
      conversationId: conv.id,
      projectId: 'p1',
      role: 'user',
      content: 'late',
    });
    await b.adapter.deleteConversation(conv.id);
    await b.sync();
    c.network.setOnline(true);
    await c.sync();
    await a.sync();
    await b.sync();
    const final = await expectConverged(token, list);
    expect(final.conversations[conv.id]).toBeUndefined();
    expect(await a.adapter.getConversation(conv.id)).toBeUndefined();
    expect(await a.adapter.loadConversation(conv.id)).toEqual([]);
    // c's unpushed message lost to the delete: it is kept as a conflict there, not dropped.
    const conflicts = await c.engine.listConflicts();
    expect(conflicts.map((x) => [x.kind, x.recordId])).toContainEqual(['message', 'x2']);
    expect(c.engine.getStatus().conflicts).toBe(conflicts.length);
  });

  it('turning sync on for an existing history uploads all of it; turning it off keeps local data', async () => {
    const { token, userId } = await fixture.server.signup();
    const store = newDeviceStore(kind);
    const offline = await openDevice('before', {
      serverUrl: fixture.server.url,
      token,
      userId,
      store,
      start: false,
    });
    const conv = await offline.adapter.createConversation({ projectId: 'p1', title: 'old history' });
    for (let i = 0; i < 30; i++) {
      await offline.adapter.saveMessage({
        id: `h${i}`,
        conversationId: conv.id,
        projectId: 'p1',
        role: 'user',
        content: `h${i}`,
      });
    }
    expect(offline.engine.getStatus().state).toBe('disabled');
    expect(offline.requests).toEqual([]);
    await offline.close();

    const device = await openDevice('after', {
      serverUrl: fixture.server.url,
      token,
      userId,
      store,
      batchSize: 7,
    });
    open.push(device);
    await device.sync();
    expect(device.pushes()).toBeGreaterThanOrEqual(5); // 31 records in batches of 7
    const onServer = await serverSnapshot(fixture.server.url, token);
    expect(Object.keys(onServer.messages)).toHaveLength(30);
    await device.engine.stop();
    expect(device.engine.getStatus().state).toBe('disabled');
    expect(await device.adapter.loadConversation(conv.id)).toHaveLength(30);
  });
});
