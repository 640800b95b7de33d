// Records the server refuses: reported with what they are and why, never
// sent again by themselves, and what the user chose (keep on this device
// only, retry) holds across reloads. Against the real server on loopback,
// with each adapter.
import { describe, expect, it } from 'vitest';
import { describeRefusal } from '../../src/sync/refusals.js';
import { ADAPTER_KINDS, newDeviceStore, openDevice } from './harness/devices.js';
import { useTestServer } from './harness/server.js';
import { serverSnapshot } from './harness/snapshot.js';

/** A server set to take records up to 256 KiB: refusals behave as at the protocol's 4 MiB, with smaller pastes. */
const LIMIT = 256 * 1024;
const fixture = useTestServer({ env: () => ({ CHATKEEP_MAX_RECORD_BYTES: String(LIMIT) }) });
const open = fixture.open;

/** About 313 KB of JSON (each newline is two characters there): over the server's 256 KiB. */
const HUGE = `Please summarise this log. ${'line of a very long pasted log\n'.repeat(10_000)}`;

describe.each(ADAPTER_KINDS)('refused records (%s)', (kind) => {
  async function device(name: string, token: string, store = newDeviceStore(kind)) {
    const d = await openDevice(name, { serverUrl: fixture.server.url, token, store });
    open.push(d);
    return d;
  }

  async function withRefusedMessage() {
    const { token } = await fixture.server.signup();
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
      refusal: { code: 'too-large', limit: LIMIT },
    });
    expect(refused!.excerpt).toMatch(/^Please summarise this log\. line of a very long/);
    expect(refused!.excerpt!.length).toBeLessThanOrEqual(120);
    expect(refused!.refusal!.size).toBeGreaterThan(LIMIT);
    expect(describeRefusal(refused!)).toMatch(/^too large: 31\d KB, this server takes up to 256 KB$/);
    const stored = await serverSnapshot(fixture.server.url, token);
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
    expect((await serverSnapshot(fixture.server.url, token)).messages.huge).toBeUndefined();

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
    expect((await serverSnapshot(fixture.server.url, token)).messages.huge?.content).toBe(
      'only the question, without the log',
    );
  });
});
