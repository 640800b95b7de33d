// GET /v1/sync/conversations, /v1/sync/conversations/:id/messages and
// POST /v1/sync/messages over HTTP, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationsResponse, MessagesReadResponse, MessagesResponse } from '../src/protocol.js';
import {
  conversationChange,
  messageChange,
  pull,
  push,
  request,
  signup,
  stamp,
  type TestServer,
  tombstone,
} from './helpers.js';
import { STORES, type StoreServers, storeServers } from './store-servers.js';

const MiB = 1024 * 1024;

/** The first page carries the cursor to pull from; the pages after it do not. */
type ConversationsPage = Omit<ConversationsResponse, 'cursor'> & { cursor?: string; hasMore: boolean };
const t0 = Date.now() - 60_000;

describe.each(STORES)('bootstrap reads on %s', (storeName) => {
  let servers: StoreServers;
  let server: TestServer;
  beforeAll(async () => {
    servers = await storeServers(storeName);
    server = await servers.start();
  });
  afterAll(() => servers?.stopAll());

  const conversations = (token: string, query = '') =>
    request<ConversationsPage>(server.url, 'GET', `/v1/sync/conversations${query}`, { token });

  /** Every page from the first, following `after`; the cursor is the first page's. */
  async function allConversationPages(token: string, limit?: number) {
    const pages: ConversationsPage[] = [];
    let after: string | undefined;
    for (;;) {
      const params = new URLSearchParams();
      if (after !== undefined) params.set('after', after);
      if (limit !== undefined) params.set('limit', String(limit));
      const res = await conversations(token, `?${params}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
      if (!res.body.hasMore) return pages;
      after = res.body.changes.at(-1)!.id;
    }
  }
  const messages = (token: string, id: string, query = '') =>
    request<MessagesResponse>(
      server.url,
      'GET',
      `/v1/sync/conversations/${encodeURIComponent(id)}/messages${query}`,
      { token },
    );

  it('lists every conversation record with tombstones, and a cursor the pull goes on from', async () => {
    const { token } = await signup(server.url);
    await push(server.url, token, [
      conversationChange('c2', stamp(t0), { title: 'Second' }),
      conversationChange('c1', stamp(t0), { title: 'First' }),
      conversationChange('c3', stamp(t0)),
      messageChange('m1', 'c1', stamp(t0)),
    ]);
    await push(server.url, token, [tombstone('conversation', 'c3', stamp(t0 + 1))]);
    const res = await conversations(token);
    expect(res.status).toBe(200);
    expect(res.body.hasMore).toBe(false);
    expect(res.body.changes.map((c) => [c.id, c.deleted, c.data?.title ?? null])).toEqual([
      ['c1', false, 'First'],
      ['c2', false, 'Second'],
      ['c3', true, null],
    ]);
    // Nothing after the snapshot's cursor until a later push.
    expect((await pull(server.url, token, `?since=${res.body.cursor}`)).body.changes).toEqual([]);
    await push(server.url, token, [conversationChange('c4', stamp(t0))]);
    expect(
      (await pull(server.url, token, `?since=${res.body.cursor}`)).body.changes.map((c) => c.id),
    ).toEqual(['c4']);
  });

  it('a new user gets no conversations and the cursor of the beginning', async () => {
    const { token } = await signup(server.url);
    const res = await conversations(token);
    expect(res.body).toMatchObject({ changes: [], hasMore: false });
    expect((await pull(server.url, token, `?since=${res.body.cursor}`)).status).toBe(200);
  });

  it('more conversations than a page come in pages by id: each once, none missed, the cursor on the first', async () => {
    const { token } = await signup(server.url);
    const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    await push(
      server.url,
      token,
      ids.map((id) => conversationChange(id, stamp(t0))),
    );
    const first = await conversations(token, '?limit=4');
    expect(first.body.changes.map((c) => c.id)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(first.body.hasMore).toBe(true);
    const cursor = first.body.cursor!;
    expect(cursor).toEqual(expect.any(String));
    // Another device edits a listed conversation and adds one before the next pages are read.
    await push(server.url, token, [
      conversationChange('c1', stamp(t0 + 1), { title: 'Edited' }),
      conversationChange('c95', stamp(t0)),
    ]);
    const second = await conversations(token, '?after=c3&limit=4');
    expect(second.body).not.toHaveProperty('cursor');
    expect(second.body.changes.map((c) => c.id)).toEqual(['c4', 'c5', 'c6', 'c7']);
    const third = await conversations(token, '?after=c7&limit=4');
    expect(third.body.changes.map((c) => c.id)).toEqual(['c8', 'c9', 'c95']);
    expect(third.body.hasMore).toBe(false);
    // The pull from the first page's cursor brings whatever committed after it.
    const pulled = (await pull(server.url, token, `?since=${cursor}`)).body.changes;
    expect(pulled.map((c) => [c.id, c.data?.title])).toEqual([
      ['c1', 'Edited'],
      ['c95', 'Conversation c95'],
    ]);
    const listed = [first, second, third].flatMap((p) => p.body.changes.map((c) => c.id));
    expect(listed).toEqual([...ids, 'c95']);
  });

  it('without a limit a page holds up to 5000 conversations; more come on the next page', async () => {
    const { token } = await signup(server.url);
    const ids = Array.from({ length: 5003 }, (_, i) => `c${String(i).padStart(5, '0')}`);
    for (let at = 0; at < ids.length; at += 1000) {
      const res = await push(
        server.url,
        token,
        ids.slice(at, at + 1000).map((id) => conversationChange(id, stamp(t0))),
      );
      expect(res.status).toBe(200);
    }
    const pages = await allConversationPages(token);
    expect(pages.map((p) => p.changes.length)).toEqual([5000, 3]);
    expect(pages.flatMap((p) => p.changes.map((c) => c.id))).toEqual(ids);
    expect(pages[0]!.cursor).toEqual(expect.any(String));
  });

  it('a page of large conversations stops within the 16 MiB answer limit, and the rest follows', async () => {
    const { token } = await signup(server.url);
    const big = 'x'.repeat(3 * MiB);
    for (const ids of [
      ['c1', 'c2', 'c3'],
      ['c4', 'c5', 'c6'],
    ]) {
      const res = await push(
        server.url,
        token,
        ids.map((id) => conversationChange(id, stamp(t0), { title: big })),
      );
      expect(res.body.results.every((r) => r.status === 'applied')).toBe(true);
    }
    const res = await fetch(`${server.url}/v1/sync/conversations`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * MiB);
    const page = JSON.parse(text) as ConversationsPage;
    expect(page.hasMore).toBe(true);
    expect(page.changes.length).toBeGreaterThan(0);
    expect(page.changes.length).toBeLessThan(6);
    const rest = await allConversationPages(token);
    expect(rest.flatMap((p) => p.changes.map((c) => c.id))).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(rest.every((p) => p.changes.every((c) => c.data?.title === big))).toBe(true);
  });

  it('lists a conversation’s messages by id, with tombstones, resumable after an id', async () => {
    const { token } = await signup(server.url);
    await push(server.url, token, [
      conversationChange('c1', stamp(t0)),
      conversationChange('c2', stamp(t0)),
      ...['m3', 'm1', 'm4', 'm2'].map((id) => messageChange(id, 'c1', stamp(t0), { content: `text ${id}` })),
      messageChange('other', 'c2', stamp(t0)),
    ]);
    await push(server.url, token, [tombstone('message', 'm2', stamp(t0 + 1))]);
    const first = await messages(token, 'c1', '?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.changes.map((c) => [c.id, c.deleted, c.conversationId])).toEqual([
      ['m1', false, 'c1'],
      ['m2', true, 'c1'],
    ]);
    expect(first.body.changes[0]!.data).toMatchObject({ content: 'text m1' });
    expect(first.body.hasMore).toBe(true);
    const rest = await messages(token, 'c1', '?after=m2&limit=2');
    expect(rest.body).toMatchObject({ changes: [{ id: 'm3' }, { id: 'm4' }] });
    expect((await messages(token, 'c1', '?after=m4')).body).toEqual({ changes: [], hasMore: false });
    expect((await messages(token, 'c1')).body.changes).toHaveLength(4);
  });

  it('order=newest lists a conversation’s messages by descending id, going on with before, and says so', async () => {
    const { token } = await signup(server.url);
    await push(server.url, token, [
      conversationChange('c1', stamp(t0)),
      conversationChange('c2', stamp(t0)),
      ...['m3', 'm1', 'm5', 'm4', 'm2'].map((id) =>
        messageChange(id, 'c1', stamp(t0), { content: `text ${id}` }),
      ),
      messageChange('m9', 'c2', stamp(t0)),
    ]);
    await push(server.url, token, [tombstone('message', 'm4', stamp(t0 + 1))]);
    const first = await messages(token, 'c1', '?order=newest&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.order).toBe('newest');
    expect(first.body.hasMore).toBe(true);
    expect(first.body.changes.map((c) => [c.id, c.deleted, c.conversationId])).toEqual([
      ['m5', false, 'c1'],
      ['m4', true, 'c1'],
    ]);
    expect(first.body.changes[0]!.data).toMatchObject({ content: 'text m5' });
    const rest = await messages(token, 'c1', '?order=newest&before=m4&limit=2');
    expect(rest.body).toMatchObject({
      changes: [{ id: 'm3' }, { id: 'm2' }],
      hasMore: true,
      order: 'newest',
    });
    expect((await messages(token, 'c1', '?order=newest&before=m2')).body).toEqual({
      changes: [expect.objectContaining({ id: 'm1' })],
      hasMore: false,
      order: 'newest',
    });
    expect((await messages(token, 'c1', '?order=newest&before=m1')).body).toEqual({
      changes: [],
      hasMore: false,
      order: 'newest',
    });
    // The default stays the ascending read of protocol 1.1, without `order`, as older clients expect.
    const oldest = await messages(token, 'c1', '?order=oldest');
    expect(oldest.body.changes.map((c) => c.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(oldest.body).not.toHaveProperty('order');
    expect((await messages(token, 'c1')).body).not.toHaveProperty('order');
  });

  it('another user’s conversation is empty, not visible', async () => {
    const owner = await signup(server.url);
    const stranger = await signup(server.url);
    await push(server.url, owner.token, [
      conversationChange('c1', stamp(t0)),
      messageChange('m1', 'c1', stamp(t0)),
    ]);
    expect((await messages(stranger.token, 'c1')).body).toEqual({ changes: [], hasMore: false });
    expect((await conversations(stranger.token)).body.changes).toEqual([]);
  });

  it('a page of large messages stops within the 16 MiB answer limit, and the rest follows', async () => {
    const { token } = await signup(server.url);
    const big = 'x'.repeat(3 * MiB);
    await push(server.url, token, [conversationChange('c1', stamp(t0))]);
    for (const ids of [
      ['m1', 'm2', 'm3'],
      ['m4', 'm5', 'm6'],
    ]) {
      const res = await push(
        server.url,
        token,
        ids.map((id) => messageChange(id, 'c1', stamp(t0), { content: big })),
      );
      expect(res.body.results.every((r) => r.status === 'applied')).toBe(true);
    }
    const res = await fetch(`${server.url}/v1/sync/conversations/c1/messages`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * MiB);
    const page = JSON.parse(text) as MessagesResponse;
    expect(page.hasMore).toBe(true);
    expect(page.changes.length).toBeGreaterThan(0);
    expect(page.changes.length).toBeLessThan(6);
    const next = await messages(token, 'c1', `?after=${page.changes.at(-1)!.id}`);
    expect([...page.changes, ...next.body.changes].map((c) => c.id)).toEqual([
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
      'm6',
    ]);
  });

  const manyMessages = (token: string | undefined, json: unknown) =>
    request<MessagesReadResponse>(server.url, 'POST', '/v1/sync/messages', { token, json });

  it('many conversations’ messages come in one answer, in the order asked, paged with a place to go on', async () => {
    const { token } = await signup(server.url);
    const stranger = await signup(server.url);
    await push(server.url, token, [
      conversationChange('c1', stamp(t0)),
      conversationChange('c2', stamp(t0)),
      ...['m1', 'm2', 'm3'].map((id) => messageChange(id, 'c1', stamp(t0))),
      ...['n1', 'n2'].map((id) => messageChange(id, 'c2', stamp(t0))),
    ]);
    await push(server.url, token, [tombstone('message', 'm2', stamp(t0 + 1))]);
    await push(server.url, stranger.token, [
      conversationChange('c1', stamp(t0)),
      messageChange('theirs', 'c1', stamp(t0)),
    ]);
    const whole = await manyMessages(token, { conversations: ['c2', 'c1'] });
    expect(whole.status).toBe(200);
    expect(whole.body.hasMore).toBe(false);
    expect(whole.body.next).toBeUndefined();
    expect(whole.body.changes.map((c) => [c.conversationId, c.id, c.deleted])).toEqual([
      ['c2', 'n1', false],
      ['c2', 'n2', false],
      ['c1', 'm1', false],
      ['c1', 'm2', true],
      ['c1', 'm3', false],
    ]);
    expect(whole.body.changes[0]!.data).toMatchObject({ id: 'n1', conversationId: 'c2' });
    // Pages of 2, each request sending what is left from `next` on.
    let rest = ['c2', 'c1'];
    let after: string | undefined;
    const seen: string[] = [];
    for (;;) {
      const page = await manyMessages(token, { conversations: rest, after, limit: 2 });
      expect(page.status).toBe(200);
      seen.push(...page.body.changes.map((c) => c.id));
      if (!page.body.hasMore) break;
      const next = page.body.next!;
      expect(next.after).toBe(page.body.changes.at(-1)!.id);
      rest = rest.slice(rest.indexOf(next.conversationId));
      after = next.after;
    }
    expect(seen).toEqual(['n1', 'n2', 'm1', 'm2', 'm3']);
    expect(
      (await manyMessages(stranger.token, { conversations: ['c2', 'c1'] })).body.changes.map((c) => c.id),
    ).toEqual(['theirs']);
  });

  it('a read of many conversations stops within the 16 MiB answer limit and says where to go on', async () => {
    const { token } = await signup(server.url);
    const big = 'x'.repeat(3 * MiB);
    await push(server.url, token, [conversationChange('c1', stamp(t0)), conversationChange('c2', stamp(t0))]);
    for (const [conversation, ids] of [
      ['c1', ['m1', 'm2', 'm3']],
      ['c2', ['n1', 'n2', 'n3']],
    ] as const) {
      const res = await push(
        server.url,
        token,
        ids.map((id) => messageChange(id, conversation, stamp(t0), { content: big })),
      );
      expect(res.body.results.every((r) => r.status === 'applied')).toBe(true);
    }
    const res = await fetch(`${server.url}/v1/sync/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ conversations: ['c1', 'c2'] }),
    });
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * MiB);
    const first = JSON.parse(text) as MessagesReadResponse;
    expect(first.hasMore).toBe(true);
    expect(first.changes.length).toBeLessThan(6);
    const { conversationId, after } = first.next!;
    const rest = await manyMessages(token, {
      conversations: ['c1', 'c2'].slice(['c1', 'c2'].indexOf(conversationId)),
      after,
    });
    expect([...first.changes, ...rest.body.changes].map((c) => c.id)).toEqual([
      'm1',
      'm2',
      'm3',
      'n1',
      'n2',
      'n3',
    ]);
  });

  it('a bad read of many conversations is 400 with what to fix; no token is 401', async () => {
    const { token } = await signup(server.url);
    const cases: [unknown, RegExp][] = [
      [{}, /conversations must be a list of conversation ids/],
      [{ conversations: [] }, /must name at least one conversation/],
      [{ conversations: ['c1', 'c1'] }, /names conversation "c1" twice/],
      [{ conversations: Array.from({ length: 1001 }, (_, i) => `c${i}`) }, /at most 1000 conversations/],
      [{ conversations: ['a\u0001b'] }, /must not contain control characters/],
      [{ conversations: ['c1'], after: '' }, /must not be empty/],
      [{ conversations: ['c1'], limit: 0 }, /limit must be at least 1/],
      [{ conversations: ['c1'], limit: 1.5 }, /limit must be a whole number/],
      [{ conversations: ['c1'], since: 3 }, /since/],
    ];
    for (const [json, message] of cases) {
      const res = await manyMessages(token, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: 'invalid-request', message: expect.stringMatching(message) },
      });
    }
    const notJson = await request(server.url, 'POST', '/v1/sync/messages', {
      token,
      body: '{',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect((await manyMessages(undefined, { conversations: ['c1'] })).status).toBe(401);
  });

  it('bad parameters are 400 with what to fix; no token is 401', async () => {
    const { token } = await signup(server.url);
    const cases: [string, RegExp][] = [
      ['?limit=0', /limit must be at least 1/],
      ['?limit=ten', /limit must be a positive whole number/],
      ['?after=a%01b', /after is a message id and must not contain control characters/],
      [`?after=${'a'.repeat(201)}`, /at most 200 characters/],
      ['?order=latest', /order must be oldest or newest/],
      ['?before=m1', /before goes with order=newest/],
      ['?order=newest&after=m1', /with order=newest go on with before=/],
      ['?order=newest&before=a%01b', /before is a message id and must not contain control characters/],
    ];
    for (const [query, message] of cases) {
      const res = await messages(token, 'c1', query);
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: 'invalid-request', message: expect.stringMatching(message) },
      });
    }
    for (const [query, message] of [
      ['?limit=0', /limit must be at least 1/],
      ['?after=a%01b', /after is a conversation id and must not contain control characters/],
    ] as const) {
      const res = await conversations(token, query);
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: 'invalid-request', message: expect.stringMatching(message) },
      });
    }
    const longId = await messages(token, 'c'.repeat(201));
    expect(longId.status).toBe(400);
    expect(longId.body).toMatchObject({
      error: { message: expect.stringMatching(/conversation id must be at most/) },
    });
    expect((await request(server.url, 'GET', '/v1/sync/conversations')).status).toBe(401);
    expect((await request(server.url, 'GET', '/v1/sync/conversations/c1/messages')).status).toBe(401);
  });
});
