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
const TOTAL = 1250;

beforeAll(async () => {
  server = await startTestServer();
  token = (await signup(server.url)).token;
  for (let start = 0; start < TOTAL; start += 500) {
    const batch = [];
    for (let i = start; i < Math.min(TOTAL, start + 500); i++) {
      batch.push(
        i % 5 === 0 ? conversationChange(`c${i}`, stamp(t0, i)) : messageChange(`m${i}`, 'c0', stamp(t0, i)),
      );
    }
    const res = await push(server.url, token, batch);
    expect(res.body.results.every((r) => r.status === 'applied')).toBe(true);
  }
});
afterAll(() => server.stop());

describe('pull', () => {
  it('paging across 1,250 records sees every record exactly once, ascending by version', async () => {
    const { changes, pages } = await pullAll(server.url, token, 100);
    expect(pages).toBe(13);
    expect(changes).toHaveLength(TOTAL);
    expect(new Set(changes.map((c) => `${c.kind}:${c.id}`)).size).toBe(TOTAL);
    for (let i = 1; i < changes.length; i++)
      expect(changes[i]!.version).toBeGreaterThan(changes[i - 1]!.version);
  });

  it('without since or with since=0 pull starts from the beginning, 500 per page by default', async () => {
    const a = await pull(server.url, token);
    const b = await pull(server.url, token, '?since=0');
    expect(a.status).toBe(200);
    expect(a.body.changes).toHaveLength(500);
    expect(a.body.hasMore).toBe(true);
    expect(b.body).toEqual(a.body);
  });

  it('limit is capped at 1000', async () => {
    const res = await pull(server.url, token, '?limit=5000');
    expect(res.body.changes).toHaveLength(1000);
    expect(res.body.hasMore).toBe(true);
  });

  it('the last page says hasMore: false and its cursor returns nothing new', async () => {
    const { cursor } = await pullAll(server.url, token);
    const res = await pull(server.url, token, `?since=${cursor}`);
    expect(res.body).toEqual({ changes: [], cursor, hasMore: false });
  });

  it('changes made while paging are seen after the pages already read, none lost', async () => {
    const first = await pull(server.url, token, '?limit=600');
    // Rewrite a record from the page already read and one not yet read.
    await push(server.url, token, [
      conversationChange('c0', stamp(t0 + 1, 0), { title: 'renamed' }),
      conversationChange('c1245', stamp(t0 + 1, 1), { title: 'renamed too' }),
    ]);
    const rest: typeof first.body.changes = [];
    let cursor = first.body.cursor;
    for (;;) {
      const page = await pull(server.url, token, `?since=${cursor}&limit=600`);
      rest.push(...page.body.changes);
      cursor = page.body.cursor;
      if (!page.body.hasMore) break;
    }
    const seen = [...first.body.changes, ...rest];
    const ids = new Set(seen.map((c) => `${c.kind}:${c.id}`));
    expect(ids.size).toBe(TOTAL);
    expect(rest.filter((c) => c.id === 'c0' || c.id === 'c1245').map((c) => c.data?.title)).toEqual([
      'renamed',
      'renamed too',
    ]);
  });

  it('a plain version number works as since, like the cursor that encodes it', async () => {
    const page = await pull(server.url, token, '?limit=10');
    const version = page.body.changes.at(-1)!.version;
    const byNumber = await pull(server.url, token, `?since=${version}&limit=10`);
    const byCursor = await pull(server.url, token, `?since=${page.body.cursor}&limit=10`);
    expect(byNumber.body).toEqual(byCursor.body);
    expect(byNumber.body.changes[0]!.version).toBeGreaterThan(version);
  });

  it('a malformed cursor or limit is a 400 with a message', async () => {
    for (const query of [
      '?since=abc!',
      '?since=%20',
      '?since=LTE',
      '?since=MDE',
      '?limit=0',
      '?limit=ten',
      '?limit=-3',
    ]) {
      const res = await pull(server.url, token, query);
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await pull(server.url, token, '?since=xyz')).body).toMatchObject({
      error: { code: 'invalid-cursor' },
    });
  });
});
