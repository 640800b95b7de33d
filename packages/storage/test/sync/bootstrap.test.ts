// A fresh device against the real server (protocol 1.1): conversations
// first, the pull from their snapshot, then every conversation's messages,
// resumable, with the conversation asked for first; a v1 server still gets
// the full pull.
import { describe, expect, it } from 'vitest';
import type { SyncableChatStorage } from '../../src/types.js';
import { ADAPTER_KINDS, type Device, newDeviceStore, openDevice, until } from './harness/devices.js';
import { startProxy } from './harness/proxy.js';
import { useTestServer } from './harness/server.js';
import { deviceSnapshot, serverSnapshot } from './harness/snapshot.js';

const t = useTestServer();

/** An account whose history one device wrote and pushed: `conversations` x `messages`. */
async function seededAccount(conversations: number, messages: number) {
  const { token, userId } = await t.server.signup();
  const writer = await openDevice('writer', { serverUrl: t.server.url, token, userId });
  t.open.push(writer);
  const ids: string[] = [];
  for (let c = 0; c < conversations; c++) {
    const conversation = await writer.adapter.createConversation({ projectId: 'p1', title: `Topic ${c}` });
    ids.push(conversation.id);
    for (let m = 0; m < messages; m++) {
      await writer.adapter.saveMessage({
        id: `${conversation.id}-m${String(m).padStart(3, '0')}`,
        conversationId: conversation.id,
        projectId: 'p1',
        role: m % 2 === 0 ? 'user' : 'assistant',
        content: `Message ${m} of topic ${c}`,
      });
    }
  }
  await writer.sync();
  return { token, userId, writer, ids };
}

/** A fetch that logs every URL and holds message pages (already answered by the server) until released. */
function holdMessagePages() {
  const urls: string[] = [];
  const held: (() => void)[] = [];
  let open = false;
  const hold: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    urls.push(url);
    const response = await fetch(input, init);
    if (!open && url.includes('/messages')) await new Promise<void>((resolve) => held.push(resolve));
    return response;
  };
  return {
    fetch: hold,
    urls,
    held,
    messageUrls: () => urls.filter((u) => u.includes('/messages')),
    release() {
      open = true;
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

const conversationOf = (url: string) => decodeURIComponent(/conversations\/([^/]+)\/messages/.exec(url)![1]!);

async function untilDownloaded(device: Device): Promise<void> {
  await until(
    async () =>
      (await device.adapter.getBootstrap()) === undefined &&
      !device.engine.getStatus().backfill &&
      device.engine.getStatus().state === 'synced',
    `${device.name} downloaded its history`,
  );
}

async function messageCount(adapter: SyncableChatStorage): Promise<number> {
  const list = await adapter.listConversations('p1', { includeArchived: true });
  return list.reduce((sum, c) => sum + c.messageCount, 0);
}

describe.each(ADAPTER_KINDS)('a fresh device (%s)', (kind) => {
  it('writes the conversation list first, pulls from its snapshot, then ends with exactly the server records', async () => {
    const { token, userId } = await seededAccount(12, 9);
    const net = holdMessagePages();
    const fresh = await openDevice('fresh', {
      serverUrl: t.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
      fetch: net.fetch,
      // Pages of 4 messages: each conversation takes several requests; writes of at least 40 records.
      backfill: { pageLimit: 4, batchSize: 40 },
    });
    t.open.push(fresh);
    const writes: number[] = [];
    fresh.adapter.subscribe((change) => {
      if (change.origin === 'sync' && change.messages.length > 0) writes.push(change.messages.length);
    });

    // The sidebar can paint: every conversation is there, no message yet.
    const listed = await fresh.adapter.listConversations('p1', { includeArchived: true });
    expect(listed.map((c) => c.title).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `Topic ${i}`).sort(),
    );
    expect(await messageCount(fresh.adapter)).toBe(0);
    expect(fresh.engine.getStatus().backfill).toEqual({ done: 0, total: 12 });
    const list = net.urls.findIndex((u) => u.includes('/v1/sync/conversations') && !u.includes('/messages'));
    const pull = net.urls.findIndex((u) => u.includes('/v1/sync/pull'));
    expect(list).toBeGreaterThanOrEqual(0);
    expect(pull).toBeGreaterThan(list);
    expect(new URL(net.urls[pull]!).searchParams.get('since')).not.toBe('0');

    net.release();
    await untilDownloaded(fresh);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
    expect(await messageCount(fresh.adapter)).toBe(12 * 9);
    // 9 messages in pages of 4: three requests per conversation.
    expect(net.messageUrls()).toHaveLength(12 * 3);
    // Whole conversations wait for each other to fill a write: 5, 5 and the last 2 conversations.
    expect(writes).toEqual([45, 45, 18]);
    expect(await fresh.adapter.pendingCount()).toBe(0);
  });

  it('resumes after being cut off mid-way: only the conversations left are fetched, and it ends exact', async () => {
    const { token, userId } = await seededAccount(12, 5);
    const store = newDeviceStore(kind);
    let answered = 0;
    // After three conversations the network is gone for good, as when the tab is killed.
    const dying: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/messages') && ++answered > 3) throw new TypeError('fetch failed: the tab is gone');
      if (answered > 3) throw new TypeError('fetch failed: the tab is gone');
      return fetch(input, init);
    };
    const first = await openDevice('first life', {
      serverUrl: t.server.url,
      token,
      userId,
      store,
      fetch: dying,
      backfill: { parallel: 1, lookahead: 1, batchSize: 5 },
    });
    await until(async () => answered > 3, 'the download was cut off');
    await until(
      async () => (await first.adapter.getBootstrap())?.queue.length === 9,
      'the three conversations written are off the stored queue',
    );
    const left = (await first.adapter.getBootstrap())!.queue;
    await first.close();

    const net = holdMessagePages();
    net.release();
    const second = await openDevice('second life', {
      serverUrl: t.server.url,
      token,
      userId,
      store,
      fetch: net.fetch,
    });
    t.open.push(second);
    await untilDownloaded(second);
    expect(net.urls.some((u) => /\/v1\/sync\/conversations(\?|$)/.test(u))).toBe(false);
    expect(net.messageUrls().map(conversationOf).sort()).toEqual([...left].sort());
    expect(await deviceSnapshot(second.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('a record that arrives by pull and again, older, by the download keeps the greatest stamp', async () => {
    const { token, userId, writer, ids } = await seededAccount(3, 4);
    const net = holdMessagePages();
    const fresh = await openDevice('fresh', {
      serverUrl: t.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
      fetch: net.fetch,
    });
    t.open.push(fresh);
    // Every conversation's page was answered by the server and waits on the way.
    await until(() => net.held.length === 3, 'the three pages were answered');
    const [target] = await writer.adapter.loadConversation(ids[0]!);
    const edited = await writer.adapter.updateMessage(target!.id, { content: 'Edited after the snapshot' });
    await writer.sync();
    await fresh.sync();
    const pulled = await fresh.adapter.getSyncMetadata('message', target!.id);
    expect(pulled?.hlc).toBe((await writer.adapter.getSyncMetadata('message', edited.id))?.hlc);

    net.release();
    await untilDownloaded(fresh);
    const [kept] = await fresh.adapter.getMessagesByIds([target!.id]);
    expect(kept?.content).toBe('Edited after the snapshot');
    expect((await fresh.adapter.getSyncMetadata('message', target!.id))?.hlc).toBe(pulled?.hlc);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('prioritize moves a conversation ahead of the rest and resolves once it is on the device', async () => {
    const { token, userId } = await seededAccount(8, 3);
    const net = holdMessagePages();
    const fresh = await openDevice('fresh', {
      serverUrl: t.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
      fetch: net.fetch,
      backfill: { parallel: 1, lookahead: 1 },
    });
    t.open.push(fresh);
    await until(() => net.held.length === 1, 'the first conversation was answered');
    const queue = (await fresh.adapter.getBootstrap())!.queue;
    const last = queue[queue.length - 1]!;
    expect(conversationOf(net.messageUrls()[0]!)).toBe(queue[0]);

    const ready = fresh.engine.prioritize(last);
    net.release();
    await ready;
    expect((await fresh.adapter.loadConversation(last)).length).toBe(3);
    expect(fresh.engine.getStatus().backfill?.done).toBeLessThanOrEqual(2);
    expect(net.messageUrls().map(conversationOf).slice(0, 2)).toEqual([queue[0], last]);

    await untilDownloaded(fresh);
    // Already on the device: resolves at once.
    await fresh.engine.prioritize(last);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('a conversation someone waits for that takes several writes is written newest messages first', async () => {
    const { token, userId, ids } = await seededAccount(2, 12);
    const net = holdMessagePages();
    const fresh = await openDevice('fresh', {
      serverUrl: t.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
      fetch: net.fetch,
      backfill: { parallel: 1, lookahead: 1, batchSize: 5 },
    });
    t.open.push(fresh);
    await until(() => net.held.length === 1, 'the first conversation was answered');
    const queue = (await fresh.adapter.getBootstrap())!.queue;
    const waited = queue[1]!;
    expect(ids).toContain(waited);
    const writes: string[][] = [];
    fresh.adapter.subscribe((change) => {
      const mine = change.messages.filter((m) => m.conversationId === waited).map((m) => m.id);
      if (mine.length > 0) writes.push(mine.sort());
    });
    const ready = fresh.engine.prioritize(waited);
    net.release();
    await ready;
    // 12 messages in writes of 5: the last two first, then the five before them, then the first five.
    const name = (m: number) => `${waited}-m${String(m).padStart(3, '0')}`;
    expect(writes).toEqual([[name(10), name(11)], [5, 6, 7, 8, 9].map(name), [0, 1, 2, 3, 4].map(name)]);
    const page = await fresh.adapter.getMessages(waited, { limit: 50 });
    expect(page.messages.map((m) => m.id)).toEqual(Array.from({ length: 12 }, (_, m) => name(m)));
    await untilDownloaded(fresh);
  });

  it('against a v1 server (no bootstrap endpoints) pulls everything from the beginning', async () => {
    const { token, userId } = await seededAccount(4, 3);
    const proxy = await startProxy(() => t.server.url);
    t.open.push(proxy);
    proxy.setFault((req) =>
      req.path.startsWith('/v1/sync/conversations')
        ? { kind: 'status', status: 404, body: { error: { code: 'not-found', message: 'Not Found' } } }
        : undefined,
    );
    const old = await openDevice('on v1', {
      serverUrl: proxy.url,
      token,
      userId,
      store: newDeviceStore(kind),
    });
    t.open.push(old);
    const pulls = proxy.log.filter((r) => r.path.startsWith('/v1/sync/pull'));
    expect(new URL(pulls[0]!.path, proxy.url).searchParams.get('since')).toBe('0');
    expect(proxy.log.filter((r) => r.path.includes('/messages'))).toHaveLength(0);
    expect(await old.adapter.getBootstrap()).toBeUndefined();
    expect(old.engine.getStatus().backfill ?? null).toBeNull();
    expect(await deviceSnapshot(old.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });
});
