// No answer exceeds 16 MiB, and a small request never gets a large answer:
// a stale result carries its current's data once per record and only while
// it fits, and pull pages stop early by bytes (always at least one record).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, MAX_RECORD_BYTES, type ServerChange } from '../../src/protocol.js';
import {
  messageChange,
  messageChangeText,
  pullAll,
  pullText,
  pushBody,
  pushText,
  request,
  signup,
  stamp,
  startTestServer,
  type TestServer,
} from '../helpers.js';

let server: TestServer;
const t0 = Date.now() - 60_000;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** Message data of `bytes` bytes of JSON. */
function bigData(id: string, bytes: number): string {
  const skeleton = JSON.stringify({ id, conversationId: 'c-text', content: '' });
  return JSON.stringify({ id, conversationId: 'c-text', content: 'b'.repeat(bytes - skeleton.length) });
}

describe('stale results never amplify', { timeout: 120_000 }, () => {
  it('600 stale copies of a 1 MiB record answer one current with data (the issue: a 312 MB answer, then a 500)', async () => {
    const { token } = await signup(server.url);
    const data = bigData('m-big', 1024 * 1024);
    const stored = await pushText(
      server.url,
      token,
      pushBody([messageChangeText('m-big', stamp(t0 + 1000), data)]),
    );
    expect(stored.body.results[0]!.status).toBe('applied');
    const copies = Array.from({ length: 600 }, (_, i) =>
      messageChangeText('m-big', stamp(t0, i), '{"id":"m-big","conversationId":"c-text","content":"old"}'),
    );
    const health = request(server.url, 'GET', '/v1/health');
    const res = await fetch(`${server.url}/v1/sync/push`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: pushBody(copies),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect((await health).status).toBe(200);
    // One copy of the record plus 600 small results.
    expect(text.length).toBeLessThan(data.length + 600 * 300);
    const results = JSON.parse(text).results as { status: string; current: ServerChange }[];
    expect(results.every((r) => r.status === 'stale')).toBe(true);
    expect(text).toContain(`"data":${data}`);
    expect(results.filter((r) => r.current.data !== undefined)).toHaveLength(1);
    expect(results[0]!.current.data).toEqual(JSON.parse(data));
    for (const r of results.slice(1)) {
      expect(r.current).toEqual({ ...results[0]!.current, data: undefined, truncated: true });
    }
  });

  it('stale results over 16 MiB of currents carry the rest without data (truncated: true)', async () => {
    const { token } = await signup(server.url);
    const ids = ['m-a', 'm-b', 'm-c', 'm-d', 'm-e'];
    const size = MAX_RECORD_BYTES - 100; // four of them with their results pass 16 MiB
    for (const id of ids) {
      const res = await pushText(
        server.url,
        token,
        pushBody([messageChangeText(id, stamp(t0 + 1000), bigData(id, size))]),
      );
      expect(res.body.results[0]!.status).toBe('applied');
    }
    const res = await fetch(`${server.url}/v1/sync/push`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        clientId: 'deviceB',
        changes: ids.map((id) => messageChange(id, 'c-text', stamp(t0))),
      }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    const results = JSON.parse(text).results as { status: string; current: ServerChange }[];
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'stale'));
    const withData = results.filter((r) => r.current.data !== undefined);
    expect(withData).toHaveLength(3);
    expect(results.slice(3).map((r) => r.current.truncated)).toEqual([true, true]);
  });
});

describe('pull pages stop early by bytes', { timeout: 120_000 }, () => {
  it('a page of 4 MiB records stops before 16 MiB, and the pages together hold every record', async () => {
    const { token } = await signup(server.url);
    const ids = Array.from({ length: 5 }, (_, i) => `m-page-${i}`);
    for (const id of ids) {
      const data = bigData(id, MAX_RECORD_BYTES - 500);
      await pushText(server.url, token, pushBody([messageChangeText(id, stamp(t0), data)]));
    }
    const first = await pullText(server.url, token, '?limit=1000');
    expect(first.status).toBe(200);
    expect(Buffer.byteLength(first.text)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    const page = JSON.parse(first.text) as { changes: ServerChange[]; hasMore: boolean };
    expect(page.hasMore).toBe(true);
    expect(page.changes.length).toBeGreaterThan(0);
    expect(page.changes.length).toBeLessThan(ids.length);
    const all = await pullAll(server.url, token);
    expect(all.changes.map((c) => c.id)).toEqual(ids);
    expect(all.pages).toBeGreaterThanOrEqual(2);
  });
});
