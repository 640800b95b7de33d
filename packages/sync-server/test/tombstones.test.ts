import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationChange,
  messageChange,
  pull,
  pullAll,
  push,
  signup,
  stamp,
  startTestServer,
  type TestServer,
  tombstone,
} from './helpers.js';

let server: TestServer;
let token: string;
const t0 = Date.now() - 60_000;

beforeAll(async () => {
  server = await startTestServer();
  token = (await signup(server.url)).token;
});
afterAll(() => server.stop());

const latest = async (kind: string, id: string) =>
  (await pullAll(server.url, token)).changes.find((c) => c.kind === kind && c.id === id);

describe('tombstones', () => {
  it('a delete erases the content and keeps the id and stamp', async () => {
    await push(server.url, token, [messageChange('m-del', 'c-del', stamp(t0), { content: 'secret text' })]);
    const res = await push(server.url, token, [tombstone('message', 'm-del', stamp(t0 + 1))]);
    expect(res.body.results[0]!.status).toBe('applied');
    expect(await latest('message', 'm-del')).toMatchObject({ deleted: true, data: null, hlc: stamp(t0 + 1) });
    const raw = (await pull(server.url, token, '?limit=1000')).body;
    expect(JSON.stringify(raw)).not.toContain('secret text');
  });

  it('an older stamp cannot resurrect a deleted record', async () => {
    await push(server.url, token, [conversationChange('c-dead', stamp(t0))]);
    const del = await push(server.url, token, [tombstone('conversation', 'c-dead', stamp(t0 + 10))]);
    const res = await push(server.url, token, [
      conversationChange('c-dead', stamp(t0 + 5), { title: 'zombie' }),
    ]);
    expect(res.body.results[0]).toMatchObject({
      status: 'stale',
      current: { deleted: true, data: null, version: del.body.results[0]!.version },
    });
  });

  it('a delete of a record the server never saw is stored, so it cannot appear later with an older stamp', async () => {
    await push(server.url, token, [tombstone('conversation', 'c-unseen', stamp(t0 + 10))]);
    const res = await push(server.url, token, [conversationChange('c-unseen', stamp(t0))]);
    expect(res.body.results[0]!.status).toBe('stale');
  });

  it('deleting a conversation tombstones its messages under new versions', async () => {
    await push(server.url, token, [
      conversationChange('c-cascade', stamp(t0)),
      messageChange('m-c1', 'c-cascade', stamp(t0, 1)),
      messageChange('m-c2', 'c-cascade', stamp(t0, 2)),
      messageChange('m-other', 'c-elsewhere', stamp(t0, 3)),
    ]);
    const before = (await pullAll(server.url, token)).cursor;
    const del = await push(server.url, token, [tombstone('conversation', 'c-cascade', stamp(t0 + 100))]);
    const after = (await pull(server.url, token, `?since=${before}`)).body.changes;
    expect(after.map((c) => [c.kind, c.id, c.deleted, c.data])).toEqual([
      ['conversation', 'c-cascade', true, null],
      ['message', 'm-c1', true, null],
      ['message', 'm-c2', true, null],
    ]);
    expect(after[1]!.version).toBeGreaterThan(del.body.results[0]!.version!);
    expect(await latest('message', 'm-other')).toMatchObject({ deleted: false });
  });

  it('a message change for a deleted conversation is stale with the conversation tombstone as current', async () => {
    await push(server.url, token, [conversationChange('c-gone', stamp(t0))]);
    const del = await push(server.url, token, [tombstone('conversation', 'c-gone', stamp(t0 + 10))]);
    // Even a newer message stamp: the conversation is gone.
    const res = await push(server.url, token, [messageChange('m-late', 'c-gone', stamp(t0 + 20))]);
    expect(res.body.results[0]).toEqual({
      kind: 'message',
      id: 'm-late',
      status: 'stale',
      current: {
        ...tombstone('conversation', 'c-gone', stamp(t0 + 10)),
        version: del.body.results[0]!.version,
      },
    });
    expect(await latest('message', 'm-late')).toBeUndefined();
  });

  it('a conversation deleted and its messages pushed in one batch: the messages are stale', async () => {
    const res = await push(server.url, token, [
      conversationChange('c-batch', stamp(t0)),
      tombstone('conversation', 'c-batch', stamp(t0 + 1)),
      messageChange('m-batch', 'c-batch', stamp(t0 + 2)),
    ]);
    expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'stale']);
  });

  it('a message may arrive before its conversation', async () => {
    const res = await push(server.url, token, [messageChange('m-early', 'c-later', stamp(t0))]);
    expect(res.body.results[0]!.status).toBe('applied');
    const conv = await push(server.url, token, [conversationChange('c-later', stamp(t0 + 1))]);
    expect(conv.body.results[0]!.status).toBe('applied');
  });

  it('a newer stamp on a deleted conversation restores it (last write wins); its old messages stay deleted', async () => {
    await push(server.url, token, [
      conversationChange('c-back', stamp(t0)),
      messageChange('m-back', 'c-back', stamp(t0, 1)),
    ]);
    await push(server.url, token, [tombstone('conversation', 'c-back', stamp(t0 + 10))]);
    const res = await push(server.url, token, [
      conversationChange('c-back', stamp(t0 + 20), { title: 'again' }),
    ]);
    expect(res.body.results[0]!.status).toBe('applied');
    expect(await latest('message', 'm-back')).toMatchObject({ deleted: true });
    const msg = await push(server.url, token, [messageChange('m-new', 'c-back', stamp(t0 + 21))]);
    expect(msg.body.results[0]!.status).toBe('applied');
  });

  it('a batch is applied conversations first: messages sent before their conversation is restored apply', async () => {
    await push(server.url, token, [conversationChange('c-order', stamp(t0))]);
    await push(server.url, token, [tombstone('conversation', 'c-order', stamp(t0 + 10))]);
    const res = await push(server.url, token, [
      messageChange('m-order', 'c-order', stamp(t0 + 20)),
      conversationChange('c-order', stamp(t0 + 30), { title: 'restored' }),
    ]);
    expect(res.body.results.map((r) => [r.id, r.status])).toEqual([
      ['m-order', 'applied'],
      ['c-order', 'applied'],
    ]);
  });

  it('a delete that loses to a newer edit keeps the conversation but still deletes the messages older than it', async () => {
    await push(server.url, token, [
      conversationChange('c-race', stamp(t0)),
      messageChange('m-before', 'c-race', stamp(t0, 1)),
      conversationChange('c-race', stamp(t0 + 20), { title: 'edited elsewhere' }),
      messageChange('m-after', 'c-race', stamp(t0 + 30)),
    ]);
    // Stamped between the edit and the newer message: the deleting device had seen m-before only.
    const res = await push(server.url, token, [tombstone('conversation', 'c-race', stamp(t0 + 10))]);
    expect(res.body.results[0]).toMatchObject({
      status: 'stale',
      current: { hlc: stamp(t0 + 20), deleted: false },
    });
    expect(await latest('conversation', 'c-race')).toMatchObject({
      deleted: false,
      data: { title: 'edited elsewhere' },
    });
    expect(await latest('message', 'm-before')).toMatchObject({ deleted: true, hlc: stamp(t0 + 10) });
    expect(await latest('message', 'm-after')).toMatchObject({ deleted: false });
  });
});
