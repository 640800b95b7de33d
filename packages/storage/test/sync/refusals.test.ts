// Records the server refuses: reported with what they are and why, never
// sent again by themselves, and what the user chose (keep on this device
// only, retry) holds across reloads. Against the real server on loopback,
// with each adapter.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../src/sync/protocol.js';
import { describeRefusal } from '../../src/sync/refusals.js';
import { ADAPTER_KINDS, type Device, newDeviceStore, openDevice } from './harness/devices.js';
import { startServer, type TestServer } from './harness/server.js';
import { serverSnapshot } from './harness/snapshot.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.dispose();
});

const open: Device[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

/** 4.3 MB of JSON (each newline is two characters there): over the server's 4 MiB record limit. */
const HUGE = `Please summarise this log. ${'line of a very long pasted log\n'.repeat(140_000)}`;

describe.each(ADAPTER_KINDS)('refused records (%s)', (kind) => {
  async function device(name: string, token: string, store = newDeviceStore(kind)) {
    // A 4 MB push on a busy machine may take longer than the default 30 s request timeout.
    const d = await openDevice(name, { serverUrl: server.url, token, store, requestTimeoutMs: 120_000 });
    open.push(d);
    return d;
  }

  async function withRefusedMessage() {
    const { token } = await server.signup();
    const a = await device('a', token);
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'Log review' });
    await a.adapter.saveMessage({
      id: 'huge',
      conversationId: c.id,
      projectId: 'p1',
      role: 'user',
      content: HUGE,
    });
    await a.adapter.saveMessage({
      conversationId: c.id,
      projectId: 'p1',
      role: 'assistant',
      content: 'Here is the summary.',
      id: 'answer',
    });
    const status = await a.sync();
    return { token, a, c, status };
  }

  it('a refused change is listed with what it is and why, in words, and the rest syncs', async () => {
    const { token, c, a, status } = await withRefusedMessage();
    expect(status).toMatchObject({ state: 'synced', rejected: 1 });
    const [refused, ...others] = await a.engine.listRefused();
    expect(others).toEqual([]);
    expect(refused).toMatchObject({
      kind: 'message',
      id: 'huge',
      state: 'refused',
      conversationId: c.id,
      title: 'Log review',
      role: 'user',
      refusal: { code: 'too-large', limit: MAX_RECORD_BYTES },
    });
    expect(refused!.excerpt).toMatch(/^Please summarise this log\. line of a very long/);
    expect(refused!.excerpt!.length).toBeLessThanOrEqual(120);
    expect(refused!.refusal!.size).toBeGreaterThan(MAX_RECORD_BYTES);
    expect(describeRefusal(refused!)).toBe('too large: 4.3 MB, this server takes up to 4 MB');
    const stored = await serverSnapshot(server.url, token);
    expect(Object.keys(stored.messages)).toEqual(['answer']);
  });

  it('a refused change is never sent again by itself: later syncs make no push at all', async () => {
    const { a } = await withRefusedMessage();
    const pushes = a.pushes();
    for (let i = 0; i < 3; i++) await a.sync();
    expect(a.pushes()).toBe(pushes);
    expect(await a.adapter.pendingCount()).toBe(0);
    expect(a.engine.getStatus().rejected).toBe(1);
  });

  it('refusals are kept across a reload, with their figures', async () => {
    const { token, a } = await withRefusedMessage();
    await a.close();
    open.splice(open.indexOf(a), 1);
    const again = await device('a-again', token, a.store);
    expect(again.engine.getStatus().rejected).toBe(1);
    const [refused] = await again.engine.listRefused();
    expect(refused).toMatchObject({ id: 'huge', state: 'refused', refusal: { code: 'too-large' } });
    await again.sync();
    expect(again.pushes()).toBe(0);
  });

  it('a record kept on this device only is never pushed, also after it is edited, and says so', async () => {
    const { token, a } = await withRefusedMessage();
    expect(await a.adapter.refusedCount()).toBe(1);
    await a.engine.keepLocalOnly('message', 'huge');
    expect(a.engine.getStatus().rejected).toBe(0);
    expect(await a.adapter.refusedCount()).toBe(0);
    expect(await a.engine.listRefused()).toMatchObject([{ id: 'huge', state: 'local-only' }]);

    await a.adapter.updateMessage('huge', { content: 'short enough now' });
    expect(await a.adapter.pendingCount()).toBe(0);
    expect(await a.adapter.getSyncMetadata('message', 'huge')).toMatchObject({ syncStatus: 'local-only' });
    const pushes = a.pushes();
    await a.sync();
    expect(a.pushes()).toBe(pushes);
    expect((await serverSnapshot(server.url, token)).messages.huge).toBeUndefined();

    // Still so after a reload.
    await a.close();
    open.splice(open.indexOf(a), 1);
    const again = await device('a-again', token, a.store);
    expect(await again.engine.listRefused()).toMatchObject([{ id: 'huge', state: 'local-only' }]);
    await again.sync();
    expect(again.pushes()).toBe(0);
  });

  it('retry sends a refused change once; refused again, it waits again', async () => {
    const { a } = await withRefusedMessage();
    const pushes = a.pushes();
    const status = await a.engine.retryRefused('message', 'huge');
    expect(status).toMatchObject({ state: 'synced', rejected: 1 });
    expect(a.pushes()).toBe(pushes + 1);
    await a.sync();
    expect(a.pushes()).toBe(pushes + 1);
  });

  it('retry after shortening elsewhere in the record: a device-only record syncs again once asked', async () => {
    const { token, a } = await withRefusedMessage();
    await a.engine.keepLocalOnly('message', 'huge');
    await a.adapter.updateMessage('huge', { content: 'only the question, without the log' });
    await a.engine.retryRefused('message', 'huge');
    expect(await a.engine.listRefused()).toEqual([]);
    expect((await serverSnapshot(server.url, token)).messages.huge?.content).toBe(
      'only the question, without the log',
    );
  });
});
