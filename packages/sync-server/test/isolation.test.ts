import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationChange,
  messageChange,
  pullAll,
  push,
  signup,
  stamp,
  startTestServer,
  type TestServer,
  tombstone,
} from './helpers.js';

let server: TestServer;
const t0 = Date.now() - 60_000;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('per-user isolation', () => {
  it('two users with the same ids have two separate records that neither can see or touch', async () => {
    const alice = await signup(server.url);
    const bob = await signup(server.url);
    expect(alice.userId).not.toBe(bob.userId);

    await push(server.url, alice.token, [
      conversationChange('shared-id', stamp(t0), { title: 'alice' }),
      messageChange('shared-msg', 'shared-id', stamp(t0, 1), { content: 'alice says' }),
    ]);
    // Bob's older stamp is not stale: it is his own record.
    const b = await push(server.url, bob.token, [
      conversationChange('shared-id', stamp(t0 - 1000), { title: 'bob' }),
    ]);
    expect(b.body.results[0]!.status).toBe('applied');

    // Bob deletes "shared-id": Alice's conversation and message are untouched.
    await push(server.url, bob.token, [tombstone('conversation', 'shared-id', stamp(t0 + 10))]);
    const aliceSees = (await pullAll(server.url, alice.token)).changes;
    const bobSees = (await pullAll(server.url, bob.token)).changes;
    expect(aliceSees.map((c) => [c.id, c.deleted, c.data?.title ?? c.data?.content])).toEqual([
      ['shared-id', false, 'alice'],
      ['shared-msg', false, 'alice says'],
    ]);
    expect(bobSees.map((c) => [c.id, c.deleted])).toEqual([['shared-id', true]]);

    // A repeated stamp of Alice's answers from Alice's record only.
    const again = await push(server.url, alice.token, [
      conversationChange('shared-id', stamp(t0), { title: 'alice' }),
    ]);
    expect(again.body.results[0]!.status).toBe('applied');
  });

  it("a user's push cursor does not reveal another user's activity", async () => {
    const carol = await signup(server.url);
    const dave = await signup(server.url);
    const first = await push(server.url, carol.token, [conversationChange('x', stamp(t0))]);
    await push(server.url, dave.token, [
      conversationChange('y', stamp(t0)),
      conversationChange('z', stamp(t0)),
    ]);
    const again = await push(server.url, carol.token, [conversationChange('x', stamp(t0))]);
    expect(again.body.cursor).toBe(first.body.cursor);
  });
});
