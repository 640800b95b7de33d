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
} from './helpers.js';

let server: TestServer;
let token: string;
const t0 = Date.now() - 60_000;

beforeAll(async () => {
  server = await startTestServer();
  token = (await signup(server.url)).token;
});
afterAll(() => server.stop());

describe('push: last write wins by stamp', () => {
  it('a new record is applied with a version', async () => {
    const res = await push(server.url, token, [conversationChange('c-new', stamp(t0))]);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { kind: 'conversation', id: 'c-new', status: 'applied', version: expect.any(Number) },
    ]);
  });

  it('a repeated push of the same stamp is a no-op that answers applied with the stored version', async () => {
    const change = conversationChange('c-repeat', stamp(t0));
    const first = await push(server.url, token, [change]);
    const before = await pull(server.url, token);
    const again = await push(server.url, token, [change]);
    const after = await pull(server.url, token);
    expect(again.body.results[0]).toEqual(first.body.results[0]);
    expect(after.body.changes).toEqual(before.body.changes);
    expect(again.body.cursor).toBe(first.body.cursor);
  });

  it('a newer stamp replaces the record under a new, greater version', async () => {
    const a = await push(server.url, token, [conversationChange('c-lww', stamp(t0), { title: 'old' })]);
    const b = await push(server.url, token, [conversationChange('c-lww', stamp(t0 + 1), { title: 'new' })]);
    expect(b.body.results[0]!.status).toBe('applied');
    expect(b.body.results[0]!.version!).toBeGreaterThan(a.body.results[0]!.version!);
    const stored = (await pull(server.url, token)).body.changes.filter((c) => c.id === 'c-lww');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.data).toMatchObject({ title: 'new' });
  });

  it('an older stamp is stale and carries the stored change as current', async () => {
    const newer = conversationChange('c-stale', stamp(t0 + 10), { title: 'kept' });
    const applied = await push(server.url, token, [newer]);
    const res = await push(server.url, token, [
      conversationChange('c-stale', stamp(t0 + 5), { title: 'lost' }),
    ]);
    expect(res.body.results[0]).toEqual({
      kind: 'conversation',
      id: 'c-stale',
      status: 'stale',
      current: { ...newer, version: applied.body.results[0]!.version },
    });
  });

  it('stamps order by counter and then client id within one millisecond', async () => {
    await push(server.url, token, [conversationChange('c-tie', stamp(t0, 3, 'deviceB'), { title: 'b' })]);
    const lower = await push(server.url, token, [
      conversationChange('c-tie', stamp(t0, 3, 'deviceA'), { title: 'a' }),
    ]);
    expect(lower.body.results[0]!.status).toBe('stale');
    const higher = await push(server.url, token, [
      conversationChange('c-tie', stamp(t0, 4, 'deviceA'), { title: 'a2' }),
    ]);
    expect(higher.body.results[0]!.status).toBe('applied');
  });

  it('every write gets a strictly greater version, and the push cursor is the newest the user has', async () => {
    const changes = Array.from({ length: 10 }, (_, i) => conversationChange(`c-seq-${i}`, stamp(t0, i)));
    const res = await push(server.url, token, changes);
    const versions = res.body.results.map((r) => r.version!);
    for (let i = 1; i < versions.length; i++) expect(versions[i]!).toBeGreaterThan(versions[i - 1]!);
    const latest = await pull(server.url, token, '?limit=1000');
    expect(res.body.cursor).toBe(latest.body.cursor);
  });

  it('20 concurrent pushes all apply with unique, strictly increasing versions', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        push(server.url, token, [
          conversationChange(`c-conc-${i}`, stamp(t0, i)),
          messageChange(`m-conc-${i}`, `c-conc-${i}`, stamp(t0, i)),
        ]),
      ),
    );
    const versions = replies.flatMap((r) => {
      expect(r.status).toBe(200);
      return r.body.results.map((x) => {
        expect(x.status).toBe('applied');
        return x.version!;
      });
    });
    expect(new Set(versions).size).toBe(40);
    // Within one batch versions follow the order of the changes.
    for (const r of replies) expect(r.body.results[1]!.version!).toBeGreaterThan(r.body.results[0]!.version!);
  });
});

describe('push: rejected changes do not stop the batch', () => {
  const reasonOf = async (change: unknown) => {
    const res = await push(server.url, token, [
      change,
      conversationChange(`c-ok-${Math.random()}`, stamp(t0)),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results[1]!.status).toBe('applied');
    expect(res.body.results[0]!.status).toBe('rejected');
    return res.body.results[0]!.reason!;
  };

  it('a stamp more than 24 h ahead of the server clock is rejected; 23 h ahead is applied', async () => {
    const hour = 3_600_000;
    expect(await reasonOf(conversationChange('c-future', stamp(Date.now() + 25 * hour)))).toMatch(
      /24 hours ahead/,
    );
    const ahead = await push(server.url, token, [
      conversationChange('c-ahead', stamp(Date.now() + 48 * hour)),
    ]);
    const refused = ahead.body.results[0]!;
    expect(refused).toMatchObject({ status: 'rejected', code: 'clock-ahead', limit: 24 * hour });
    expect(refused.size).toBeGreaterThan(47 * hour);
    const near = await push(server.url, token, [conversationChange('c-near', stamp(Date.now() + 23 * hour))]);
    expect(near.body.results[0]!.status).toBe('applied');
  });

  it('a malformed stamp is rejected with the expected form', async () => {
    expect(await reasonOf({ ...conversationChange('c-bad-hlc', 'yesterday') })).toMatch(/hlc/);
    expect(await reasonOf({ ...conversationChange('c-bad-hlc2', '1:2:3') })).toMatch(/15-digit/);
  });

  it('a record over 4 MiB is rejected; one just under is applied', async () => {
    const big = messageChange('m-big', 'c-x', stamp(t0), { content: 'x'.repeat(4 * 1024 * 1024) });
    expect(await reasonOf(big)).toMatch(/at most 4194304 bytes/);
    const fits = messageChange('m-fits', 'c-x', stamp(t0), { content: 'x'.repeat(4 * 1024 * 1024 - 400) });
    expect((await push(server.url, token, [fits])).body.results[0]!.status).toBe('applied');
  });

  it('changes of the wrong shape are rejected and named by kind and id when possible', async () => {
    const res = await push(server.url, token, [
      { kind: 'folder', id: 'f1', projectId: 'p', hlc: stamp(t0), deleted: false, data: {} },
      { kind: 'conversation', id: 5 },
      'not an object',
      null,
    ]);
    expect(res.body.results.map((r) => [r.kind, r.id, r.status])).toEqual([
      ['folder', 'f1', 'rejected'],
      ['conversation', '', 'rejected'],
      ['', '', 'rejected'],
      ['', '', 'rejected'],
    ]);
    expect(res.body.results[0]!.reason).toMatch(/kind/);
  });

  it('record content is opaque: fields the server does not know are stored as sent', async () => {
    const newer = conversationChange('c-opaque', stamp(t0));
    (newer.data as Record<string, unknown>).messageCount = 3;
    const encrypted = messageChange('m-opaque', 'c-opaque', stamp(t0));
    encrypted.data = { enc: 1, iv: 'aXY', ct: 'Y3Q' };
    encrypted.conversationId = 'c-opaque';
    const res = await push(server.url, token, [newer, encrypted]);
    expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const stored = (await pullAll(server.url, token)).changes.filter((c) => c.id.endsWith('-opaque'));
    expect(stored.map((c) => c.data)).toEqual([newer.data, encrypted.data]);
    expect(stored[1]!.conversationId).toBe('c-opaque');
  });

  it('a message needs its conversationId, on the change or in its data, and the two must agree', async () => {
    const without = messageChange('m-lost', 'c1', stamp(t0));
    delete (without.data as Record<string, unknown>).conversationId;
    expect(await reasonOf(without)).toMatch(/needs conversationId/);
    const disagree = { ...messageChange('m-torn', 'c1', stamp(t0)), conversationId: 'c2' };
    expect(await reasonOf(disagree)).toMatch(/data\.conversationId \("c1"\) differs/);
  });

  it('data must carry the change id and projectId', async () => {
    const otherId = conversationChange('c-a', stamp(t0));
    otherId.id = 'c-b';
    expect(await reasonOf(otherId)).toMatch(/data\.id \("c-a"\) differs from the change id \("c-b"\)/);
    const otherProject = conversationChange('c-p', stamp(t0));
    otherProject.projectId = 'elsewhere';
    expect(await reasonOf(otherProject)).toMatch(/projectId/);
  });

  it('a delete must carry data: null, and a put must carry data', async () => {
    expect(await reasonOf({ ...conversationChange('c-d', stamp(t0)), deleted: true })).toMatch(/data: null/);
    expect(await reasonOf({ ...conversationChange('c-e', stamp(t0)), data: null })).toMatch(/data is null/);
  });

  it('a message cannot move to another conversation', async () => {
    await push(server.url, token, [messageChange('m-move', 'c-one', stamp(t0))]);
    expect(await reasonOf(messageChange('m-move', 'c-two', stamp(t0 + 1)))).toMatch(/cannot move/);
  });
});
