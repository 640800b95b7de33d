// A fresh device against the real server (protocol 1.1): conversations
// first, the pull from their snapshot, then every conversation's messages,
// resumable, with the conversation asked for first; a v1 server still gets
// the full pull.
import { describe, expect, it } from 'vitest';
import type { SyncableChatStorage } from '../../src/types.js';
import {
  ADAPTER_KINDS,
  type Device,
  type DeviceOptions,
  type DeviceStore,
  newDeviceStore,
  openAdapter,
  openDevice,
  sleep,
  until,
} from './harness/devices.js';
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

/** The conversations a message request asks for: named in its body, or in its path. */
function conversationsAsked(url: string, body: unknown): string[] {
  if (url.includes('/v1/sync/messages')) {
    return (JSON.parse(String(body)) as { conversations: string[] }).conversations;
  }
  return [decodeURIComponent(/conversations\/([^/]+)\/messages/.exec(url)![1]!)];
}

/**
 * A fetch that logs every URL and holds message answers (already given by the
 * server) until released; `passes` lets chosen requests through at once.
 */
function holdMessagePages(passes: (conversations: string[]) => boolean = () => false) {
  const urls: string[] = [];
  const asked: string[][] = [];
  const held: (() => void)[] = [];
  let open = false;
  const hold: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    urls.push(url);
    const conversations = url.includes('/messages') ? conversationsAsked(url, init?.body) : undefined;
    if (conversations) asked.push(conversations);
    const response = await fetch(input, init);
    if (!open && conversations && !passes(conversations)) {
      await new Promise<void>((resolve) => held.push(resolve));
    }
    return response;
  };
  return {
    fetch: hold,
    urls,
    held,
    /** The conversations named by each message request, in the order sent. */
    asked,
    messageUrls: () => urls.filter((u) => u.includes('/messages')),
    release() {
      open = true;
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

async function untilDownloaded(device: Device): Promise<void> {
  await until(
    async () =>
      (await device.adapter.getBootstrap()) === undefined &&
      !device.engine.getStatus().backfill &&
      device.engine.getStatus().state === 'synced',
    `${device.name} downloaded its history`,
  );
}

/**
 * The device's next life on `store`: it lists no conversations again, asks
 * for exactly the conversations `left` on the stored queue, and ends with
 * the server's records.
 */
async function resumesWithExactlyTheRest(
  account: { token: string; userId: string; store: DeviceStore },
  left: string[],
): Promise<void> {
  const net = holdMessagePages();
  net.release();
  const second = await openDevice('second life', { serverUrl: t.server.url, ...account, fetch: net.fetch });
  t.open.push(second);
  await untilDownloaded(second);
  expect(net.urls.some((u) => /\/v1\/sync\/conversations(\?|$)/.test(u))).toBe(false);
  expect([...net.asked.flat()].sort()).toEqual([...left].sort());
  expect(await deviceSnapshot(second.adapter)).toEqual(await serverSnapshot(t.server.url, account.token));
}

/** The ids of each write of `conversationId`'s messages on `adapter` from now on, sorted within a write. */
function writesOf(adapter: SyncableChatStorage, conversationId: string): string[][] {
  const writes: string[][] = [];
  adapter.subscribe((change) => {
    const mine = change.messages.filter((m) => m.conversationId === conversationId).map((m) => m.id);
    if (mine.length > 0) writes.push(mine.sort());
  });
  return writes;
}

async function messageCount(adapter: SyncableChatStorage): Promise<number> {
  const list = await adapter.listConversations('p1', { includeArchived: true });
  return list.reduce((sum, c) => sum + c.messageCount, 0);
}

describe.each(ADAPTER_KINDS)('a fresh device (%s)', (kind) => {
  /** A device of this kind that never synced, signed in with `options`; closed when the test ends. */
  const freshDevice = async (options: Omit<DeviceOptions, 'serverUrl'>) => {
    const device = await openDevice('fresh', {
      serverUrl: t.server.url,
      store: newDeviceStore(kind),
      ...options,
    });
    t.open.push(device);
    return device;
  };

  it('writes the conversation list first, pulls from its snapshot, then ends with exactly the server records', async () => {
    const { token, userId } = await seededAccount(12, 9);
    const net = holdMessagePages();
    const fresh = await freshDevice({
      token,
      userId,
      fetch: net.fetch,
      // Answers of at most 20 messages naming 5 conversations: a conversation spans two answers at times.
      // One request at a time, so that their order is known (several at once: the tests below).
      backfill: { pageLimit: 20, conversationsPerRequest: 5, requestsInFlight: 1 },
    });
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
    // Every request asks for many conversations at once, in download order, each conversation
    // named until it is complete: 5 of 9 messages are 45, in answers of 20, 20 and 5.
    expect(net.messageUrls().every((u) => u.endsWith('/v1/sync/messages'))).toBe(true);
    expect(net.asked.map((names) => names.length)).toEqual([5, 3, 1, 5, 3, 1, 2]);
    expect(new Set(net.asked.flat()).size).toBe(12);
    // One write per answer.
    expect(writes).toEqual([20, 20, 5, 20, 20, 5, 18]);
    expect(await fresh.adapter.pendingCount()).toBe(0);
  });

  it('a conversation list of several pages is read to the end by after and limit; the pull goes on from the first page’s cursor', async () => {
    const { token, userId, writer, ids } = await seededAccount(12, 2);
    const listed: { url: URL; body: { changes: { id: string }[]; cursor?: string; hasMore?: boolean } }[] =
      [];
    const pulls: URL[] = [];
    const net: typeof fetch = async (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      const response = await fetch(input, init);
      if (url.pathname === '/v1/sync/pull') pulls.push(url);
      if (url.pathname !== '/v1/sync/conversations') return response;
      listed.push({ url, body: await response.clone().json() });
      if (listed.length === 1) {
        // Between the pages another device renames a conversation already listed and adds one.
        await writer.adapter.updateConversation(listed[0]!.body.changes[0]!.id, {
          title: 'Renamed between pages',
        });
        await writer.adapter.createConversation({ projectId: 'p1', title: 'Added between pages' });
        await writer.sync();
      }
      return response;
    };
    const fresh = await freshDevice({
      token,
      userId,
      fetch: net,
      backfill: { listLimit: 5 },
    });
    await untilDownloaded(fresh);
    // 13 conversations by then, in pages of 5: 5, 5 and 3, each going on after the last id of the one before.
    expect(listed.map((l) => l.body.changes.length)).toEqual([5, 5, 3]);
    expect(listed.map((l) => l.body.hasMore)).toEqual([true, true, false]);
    expect(listed.map((l) => l.url.searchParams.get('limit'))).toEqual(['5', '5', '5']);
    expect(listed.map((l) => l.url.searchParams.get('after'))).toEqual([
      null,
      listed[0]!.body.changes.at(-1)!.id,
      listed[1]!.body.changes.at(-1)!.id,
    ]);
    const seen = listed.flatMap((l) => l.body.changes.map((c) => c.id));
    expect(new Set(seen).size).toBe(13);
    expect(seen).toEqual(expect.arrayContaining(ids));
    // Only the first page carries a cursor, and the pull starts there: the rename comes by pull.
    expect(listed.map((l) => l.body.cursor !== undefined)).toEqual([true, false, false]);
    expect(pulls[0]!.searchParams.get('since')).toBe(listed[0]!.body.cursor);
    const titles = (await fresh.adapter.listConversations('p1', { includeArchived: true })).map(
      (c) => c.title,
    );
    expect(titles).toEqual(expect.arrayContaining(['Renamed between pages', 'Added between pages']));
    expect(titles).toHaveLength(13);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('resumes after being cut off mid-way: only the conversations left are fetched, and it ends exact', async () => {
    const { token, userId } = await seededAccount(12, 5);
    const store = newDeviceStore(kind);
    let answered = 0;
    // After three answers the network is gone for good, as when the tab is killed.
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
      // Answers of 4 messages over 2 conversations, one request at a time: the third answer ends the second conversation.
      backfill: { pageLimit: 4, conversationsPerRequest: 2, requestsInFlight: 1 },
    });
    await until(async () => answered > 3, 'the download was cut off');
    await until(
      async () => (await first.adapter.getBootstrap())?.queue.length === 10,
      'the two conversations written are off the stored queue',
    );
    const left = (await first.adapter.getBootstrap())!.queue;
    await first.close();

    await resumesWithExactlyTheRest({ token, userId, store }, left);
  });

  it('keeps three requests in flight over disjoint conversations, writes one answer at a time, and ends exact', async () => {
    const { token, userId } = await seededAccount(12, 9);
    const net = holdMessagePages();
    const fresh = await freshDevice({
      token,
      userId,
      fetch: net.fetch,
      // 3 conversations of 9 messages per request, answers of at most 20: each list takes two answers.
      backfill: { pageLimit: 20, conversationsPerRequest: 3, requestsInFlight: 3 },
    });
    // Counts the writes running at once, on the adapter the engine writes through (none yet: the answers are held).
    let writing = 0;
    let mostAtOnce = 0;
    const applyRemote = fresh.adapter.applyRemote.bind(fresh.adapter);
    fresh.adapter.applyRemote = async (changes, cursor, download) => {
      writing += 1;
      mostAtOnce = Math.max(mostAtOnce, writing);
      try {
        return await applyRemote(changes, cursor, download);
      } finally {
        writing -= 1;
      }
    };
    await until(() => net.held.length === 3, 'three answers are on their way at once');
    const queue = (await fresh.adapter.getBootstrap())!.queue;
    // The first nine conversations in download order, three to a request, none named twice.
    expect(net.asked).toEqual([queue.slice(0, 3), queue.slice(3, 6), queue.slice(6, 9)]);
    // Nothing is recorded as done while every answer is still on its way.
    expect(fresh.engine.getStatus().backfill).toEqual({ done: 0, total: 12 });

    net.release();
    await untilDownloaded(fresh);
    expect(mostAtOnce).toBe(1);
    // Each conversation is named until it is complete, never by two requests at once: 12 conversations,
    // each list of three read in two answers (20 then 7 messages), in 8 requests.
    expect(net.asked).toHaveLength(8);
    expect(new Set(net.asked.flat()).size).toBe(12);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
    expect(await messageCount(fresh.adapter)).toBe(12 * 9);
  });

  it('each write that completes conversations stores the progress without them in its own transaction, never apart', async () => {
    const { token, userId, ids } = await seededAccount(12, 9);
    const fresh = await freshDevice({
      token,
      userId,
      // Answers of 20 in writes of 8: a list's conversations complete in the last write of an answer.
      backfill: { pageLimit: 20, conversationsPerRequest: 3, batchSize: 8 },
    });
    const problems: string[] = [];
    let messageWrites = 0;
    let progressApart = 0;
    const applyRemote = fresh.adapter.applyRemote.bind(fresh.adapter);
    fresh.adapter.applyRemote = async (changes, cursor, download) => {
      const result = await applyRemote(changes, cursor, download);
      if (changes.some((c) => c.kind === 'message')) messageWrites += 1;
      // Right after the commit, before anything else can store a progress.
      const queued = new Set((await fresh.adapter.getBootstrap())?.queue ?? []);
      for (const id of ids) {
        const stored = (await fresh.adapter.loadConversation(id)).length;
        if (!queued.has(id) && stored !== 9)
          problems.push(`${id} is off the queue with ${stored} of 9 messages`);
      }
      return result;
    };
    const setBootstrap = fresh.adapter.setBootstrap.bind(fresh.adapter);
    fresh.adapter.setBootstrap = async (progress) => {
      if (messageWrites > 0) progressApart += 1;
      return setBootstrap(progress);
    };
    await untilDownloaded(fresh);
    expect(problems).toEqual([]);
    expect(messageWrites).toBeGreaterThanOrEqual((12 * 9) / 8);
    expect(progressApart).toBe(0);
    expect(await fresh.adapter.getBootstrap()).toBeUndefined();
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('an answer with a record that does not check writes none of it and says why; the next try ends exact', async () => {
    const { token, userId } = await seededAccount(3, 4);
    let spoil = true;
    // The first download answer comes back with its last message's role changed to one that does not exist.
    const spoiling: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const response = await fetch(input, init);
      if (!spoil || !url.includes('/v1/sync/messages')) return response;
      spoil = false;
      const body = (await response.json()) as { changes: { data: { role?: string } | null }[] };
      body.changes.at(-1)!.data!.role = 'narrator';
      return new Response(JSON.stringify(body), {
        status: response.status,
        headers: { 'content-type': 'application/json' },
      });
    };
    const fresh = await freshDevice({
      token,
      userId,
      fetch: spoiling,
      backfill: { requestsInFlight: 1 },
    });
    await until(() => fresh.engine.getStatus().state === 'error', 'the download stopped on the bad record');
    const status = fresh.engine.getStatus();
    expect(status.state === 'error' && status.message).toMatch(
      /Remote change \[\d+\] \(message [^)]+\) has invalid data/,
    );
    // The answer named all three conversations: none of their messages was written, all three are still queued.
    expect(await messageCount(fresh.adapter)).toBe(0);
    expect((await fresh.adapter.getBootstrap())?.queue).toHaveLength(3);
    await fresh.sync();
    await untilDownloaded(fresh);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('a reload with several answers in flight records as done only what was written, and the next life ends exact', async () => {
    const { token, userId } = await seededAccount(12, 5);
    const store = newDeviceStore(kind);
    // The first two answers pass and are written; every later one is held, then lost with the tab.
    let answers = 0;
    let dead = false;
    const held: ((error: Error) => void)[] = [];
    const dying: typeof fetch = async (input, init) => {
      if (dead) throw new TypeError('fetch failed: the tab is gone');
      const url = String(input instanceof Request ? input.url : input);
      const response = await fetch(input, init);
      if (url.includes('/messages') && ++answers > 2) {
        await new Promise<void>((_, reject) => held.push(reject));
      }
      return response;
    };
    const first = await openDevice('first life', {
      serverUrl: t.server.url,
      token,
      userId,
      store,
      fetch: dying,
      // Two conversations of 5 messages per request: each answer completes both.
      backfill: { pageLimit: 10, conversationsPerRequest: 2, requestsInFlight: 3 },
    });
    await until(
      async () => (await first.adapter.getBootstrap())?.queue.length === 8 && held.length === 3,
      'two answers written and three more in flight',
    );
    dead = true;
    for (const reject of held.splice(0)) reject(new TypeError('fetch failed: the tab is gone'));
    await first.close();

    // What the reloaded tab finds: every conversation off the stored queue is on the device whole,
    // every one still on it has nothing written.
    const reopened = await openAdapter(store);
    const left = (await reopened.getBootstrap())!.queue;
    expect(left).toHaveLength(8);
    const listed = await reopened.listConversations('p1', { includeArchived: true });
    expect(listed).toHaveLength(12);
    for (const conversation of listed) {
      expect(conversation.messageCount).toBe(left.includes(conversation.id) ? 0 : 5);
    }
    await reopened.close();

    await resumesWithExactlyTheRest({ token, userId, store }, left);
  });

  it('a record that arrives by pull and again, older, by the download keeps the greatest stamp', async () => {
    const { token, userId, writer, ids } = await seededAccount(3, 4);
    const net = holdMessagePages();
    const fresh = await freshDevice({
      token,
      userId,
      fetch: net.fetch,
    });
    // One answer holds every conversation's messages; the server gave it and it waits on the way.
    await until(() => net.held.length === 1, 'the answer was given');
    expect(net.asked).toHaveLength(1);
    expect(net.asked[0]).toHaveLength(3);
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

  it('prioritize fetches a conversation on its own request, never behind the download’s answer in flight', async () => {
    const { token, userId } = await seededAccount(8, 3);
    // The download's answers are held; a request for one conversation passes.
    const net = holdMessagePages((conversations) => conversations.length === 1);
    const fresh = await freshDevice({
      token,
      userId,
      fetch: net.fetch,
    });
    await until(() => net.held.length === 1, 'the download’s first answer was given');
    const queue = (await fresh.adapter.getBootstrap())!.queue;
    expect(net.asked[0]).toEqual(queue);
    const last = queue[queue.length - 1]!;

    await fresh.engine.prioritize(last);
    // On the device while the download's answer is still held.
    expect(net.held).toHaveLength(1);
    expect((await fresh.adapter.loadConversation(last)).length).toBe(3);
    expect(fresh.engine.getStatus().backfill).toEqual({ done: 1, total: 8 });
    expect(net.asked.slice(1)).toEqual([[last]]);

    net.release();
    await untilDownloaded(fresh);
    // Already on the device: resolves at once.
    await fresh.engine.prioritize(last);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('while a conversation someone waits for is fetched, the download sends no request and writes nothing', async () => {
    const { token, userId } = await seededAccount(8, 3);
    // Every message answer waits for its gate: the download's (many conversations) and the one asked for.
    const gate = () => {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      return { promise, resolve };
    };
    const gates = { download: gate(), asked: gate() };
    const asked: string[][] = [];
    const net: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const response = await fetch(input, init);
      if (!url.includes('/messages')) return response;
      const named = conversationsAsked(url, init?.body);
      asked.push(named);
      await (named.length === 1 ? gates.asked : gates.download).promise;
      return response;
    };
    const fresh = await freshDevice({
      token,
      userId,
      fetch: net,
      // Two conversations per request, one request at a time: the download takes four answers.
      backfill: { conversationsPerRequest: 2, requestsInFlight: 1 },
    });
    await until(() => asked.length === 1, 'the download asked for its first conversations');
    const queue = (await fresh.adapter.getBootstrap())!.queue;
    const last = queue[queue.length - 1]!;
    const opened = fresh.engine.prioritize(last);
    await until(() => asked.length === 2, 'the conversation asked for has its own request');
    // The download's answer arrives while the asked-for one is still on its way: it waits.
    gates.download.resolve();
    await sleep(300);
    expect(asked).toEqual([queue.slice(0, 2), [last]]);
    expect(await messageCount(fresh.adapter)).toBe(0);
    expect(fresh.engine.getStatus().backfill).toEqual({ done: 0, total: 8 });

    gates.asked.resolve();
    await opened;
    expect((await fresh.adapter.loadConversation(last)).length).toBe(3);
    await untilDownloaded(fresh);
    expect(asked).toHaveLength(5);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('a conversation someone waits for that takes several writes is written newest messages first', async () => {
    const { token, userId, ids } = await seededAccount(2, 12);
    const net = holdMessagePages((conversations) => conversations.length === 1);
    const fresh = await freshDevice({
      token,
      userId,
      fetch: net.fetch,
      backfill: { batchSize: 5 },
    });
    await until(() => net.held.length === 1, 'the download’s first answer was given');
    const queue = (await fresh.adapter.getBootstrap())!.queue;
    const waited = queue[1]!;
    expect(ids).toContain(waited);
    const writes = writesOf(fresh.adapter, waited);
    await fresh.engine.prioritize(waited);
    // 12 messages in writes of 5: the last two first, then the five before them, then the first five.
    const name = (m: number) => `${waited}-m${String(m).padStart(3, '0')}`;
    expect(writes).toEqual([[name(10), name(11)], [5, 6, 7, 8, 9].map(name), [0, 1, 2, 3, 4].map(name)]);
    const page = await fresh.adapter.getMessages(waited, { limit: 50 });
    expect(page.messages.map((m) => m.id)).toEqual(Array.from({ length: 12 }, (_, m) => name(m)));
    net.release();
    await untilDownloaded(fresh);
    // The download's answer also held the waited conversation: not written again.
    expect(writes).toHaveLength(3);
  });

  it('a conversation someone waits for is read newest first: its latest page is on the device before its older pages come', async () => {
    const { token, userId } = await seededAccount(2, 12);
    // The download's answers are held, and so is every answer for the waited conversation after its first.
    let answers = 0;
    const older: (() => void)[] = [];
    const net = holdMessagePages();
    const fetchSplit: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.includes('order=newest')) return net.fetch(input, init);
      net.urls.push(url);
      const response = await fetch(input, init);
      answers += 1;
      if (answers > 1) await new Promise<void>((resolve) => older.push(resolve));
      return response;
    };
    const fresh = await freshDevice({
      token,
      userId,
      fetch: fetchSplit,
      backfill: { latestPageLimit: 5, pageLimit: 4 },
    });
    await until(() => net.held.length === 1, 'the download’s first answer was given');
    const queue = (await fresh.adapter.getBootstrap())!.queue;
    const waited = queue[1]!;
    const name = (m: number) => `${waited}-m${String(m).padStart(3, '0')}`;
    const writes = writesOf(fresh.adapter, waited);
    const opened = fresh.engine.prioritize(waited);
    await until(() => older.length === 1, 'the second page was asked for');
    // The latest five are on the device, the older pages still on their way.
    expect(writes).toEqual([[7, 8, 9, 10, 11].map(name)]);
    const latest = await fresh.adapter.getMessages(waited, { limit: 3 });
    expect(latest.messages.map((m) => m.id)).toEqual([9, 10, 11].map(name));
    expect(fresh.engine.getStatus().backfill).toEqual({ done: 0, total: 2 });
    expect((await fresh.adapter.getBootstrap())!.queue).toContain(waited);
    for (;;) {
      const next = older.shift();
      if (next) next();
      else if (writes.length === 3) break;
      await sleep(20);
    }
    await opened;
    expect(writes).toEqual([[7, 8, 9, 10, 11].map(name), [3, 4, 5, 6].map(name), [0, 1, 2].map(name)]);
    expect(net.urls.filter((u) => u.includes('order=newest')).map((u) => new URL(u).search)).toEqual([
      '?order=newest&limit=5',
      `?order=newest&limit=4&before=${name(7)}`,
      `?order=newest&limit=4&before=${name(3)}`,
    ]);
    expect(fresh.engine.getStatus().backfill).toEqual({ done: 1, total: 2 });
    net.release();
    await untilDownloaded(fresh);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('an answer larger than a write is written in several, and a conversation someone waits for goes between them', async () => {
    const { token, userId } = await seededAccount(4, 3);
    const net = holdMessagePages((conversations) => conversations.length === 1);
    const fresh = await freshDevice({
      token,
      userId,
      fetch: net.fetch,
      // One answer of all 12 messages, written 5 records at a time.
      backfill: { batchSize: 5, requestsInFlight: 1 },
    });
    await until(() => net.held.length === 1, 'the download’s answer was given');
    const queue = (await fresh.adapter.getBootstrap())!.queue;
    const waited = queue[3]!;
    // The download's first write is held until the waited conversation is read and waiting for its turn.
    const writes: string[][] = [];
    let gate: (() => void) | undefined;
    const held = new Promise<void>((resolve) => {
      gate = resolve;
    });
    const applyRemote = fresh.adapter.applyRemote.bind(fresh.adapter);
    fresh.adapter.applyRemote = async (changes, cursor, download) => {
      const messages = changes.filter((c) => c.kind === 'message');
      if (messages.length > 0) {
        writes.push(messages.map((c) => (c.data as { conversationId: string }).conversationId));
        if (writes.length === 1) await held;
      }
      return applyRemote(changes, cursor, download);
    };
    net.release();
    await until(() => writes.length === 1, 'the download’s first write began');
    const opened = fresh.engine.prioritize(waited);
    await until(
      () => net.urls.some((u) => u.includes('order=newest')),
      'the waited conversation was asked for',
    );
    await sleep(300);
    gate!();
    await opened;
    await untilDownloaded(fresh);
    // The first write of the answer, then the waited conversation, then the rest of the answer.
    expect(writes.map((w) => w.length)).toEqual([5, 3, 5, 2]);
    expect(writes[1]).toEqual([waited, waited, waited]);
    expect(writes[0]).not.toContain(waited);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('against a 1.1 server that ignores order=newest, a waited conversation is read by ascending id and ends exact', async () => {
    const { token, userId } = await seededAccount(3, 7);
    const asked: string[] = [];
    // A server of protocol 1.1 before the newest-first read: it ignores order and before.
    const older: typeof fetch = (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.pathname.includes('/messages')) asked.push(url.pathname + url.search);
      url.searchParams.delete('order');
      url.searchParams.delete('before');
      return fetch(url, init);
    };
    // The download's answers are held; the waited conversation's older pages (by ascending id) pass.
    const net = holdMessagePages((conversations) => conversations.length === 1);
    const fresh = await freshDevice({
      token,
      userId,
      fetch: async (input, init) =>
        String(input instanceof Request ? input.url : input).includes('/v1/sync/messages')
          ? net.fetch(input, init)
          : older(input, init),
      backfill: { latestPageLimit: 3, pageLimit: 3 },
    });
    await until(() => net.held.length === 1, 'the download’s first answer was given');
    const waited = (await fresh.adapter.getBootstrap())!.queue[2]!;
    await fresh.engine.prioritize(waited);
    expect((await fresh.adapter.loadConversation(waited)).map((m) => m.id)).toEqual(
      Array.from({ length: 7 }, (_, m) => `${waited}-m${String(m).padStart(3, '0')}`),
    );
    expect(asked[0]).toMatch(/order=newest/);
    // The rest of it by ascending id after the first answer's last message.
    expect(net.asked.slice(1)).toEqual([[waited], [waited]]);
    net.release();
    await untilDownloaded(fresh);
    expect(await deviceSnapshot(fresh.adapter)).toEqual(await serverSnapshot(t.server.url, token));
  });

  it('against a 1.1 server without the read of many conversations, fetches one conversation per request', async () => {
    const { token, userId } = await seededAccount(4, 3);
    const proxy = await startProxy(() => t.server.url);
    t.open.push(proxy);
    proxy.setFault((req) =>
      req.path === '/v1/sync/messages'
        ? { kind: 'status', status: 404, body: { error: { code: 'not-found', message: 'Not Found' } } }
        : undefined,
    );
    const older = await openDevice('on an older 1.1 server', {
      serverUrl: proxy.url,
      token,
      userId,
      store: newDeviceStore(kind),
    });
    t.open.push(older);
    await untilDownloaded(older);
    expect(proxy.log.filter((r) => r.path === '/v1/sync/messages')).toHaveLength(1);
    expect(proxy.log.filter((r) => /\/v1\/sync\/conversations\/[^/]+\/messages/.test(r.path))).toHaveLength(
      4,
    );
    expect(await deviceSnapshot(older.adapter)).toEqual(await serverSnapshot(t.server.url, token));
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
