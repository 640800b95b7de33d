// Three `node dist/main.js` processes on one PostgreSQL database under load,
// as behind a load balancer: 20 concurrent pushers spread over the instances
// while a reader pulls from each in turn by cursor. Versions are per user and
// committed in order, so the reader's cursor never passes a change that
// commits later: its incremental set must equal the full set at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Child, killChildren, requireBuiltServer, startChild } from './child-server.js';
import { conversationChange, pull, pullAll, push, signup, stamp } from './helpers.js';
import { createTestDatabase, type TestDatabase } from './pg-database.js';

const PUSHERS = 20;
const LOAD_MS = 3_000;

let database: TestDatabase;
let servers: Child[];
beforeAll(async () => {
  requireBuiltServer();
  database = await createTestDatabase();
  // Per-instance sync rate limits would turn this load into 429s; the test is about ordering.
  servers = await Promise.all(
    [1, 2, 3].map(() =>
      startChild({
        CHATKEEP_DATABASE_URL: database.url,
        CHATKEEP_SYNC_RATE: '100000',
        CHATKEEP_SYNC_BURST: '100000',
      }),
    ),
  );
});
afterAll(async () => {
  killChildren();
  await database?.drop();
});

describe('three server processes on one PostgreSQL database, under load', () => {
  it('20 concurrent pushers over the instances: a reader pulling in a loop misses nothing; all converge', async () => {
    const account = await signup(servers[0]!.url);
    const pushed = new Set<string>();
    let loading = true;

    const pusher = async (p: number) => {
      const server = servers[p % servers.length]!;
      const clientId = `pusher${p}`;
      for (let batch = 0; loading; batch++) {
        const ids = [0, 1, 2].map((k) => `p${p}-b${batch}-${k}`);
        const res = await push(
          server.url,
          account.token,
          ids.map((id, k) => conversationChange(id, stamp(Date.now(), k, clientId))),
          clientId,
        );
        expect(res.status).toBe(200);
        expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
        for (const id of ids) pushed.add(id);
      }
    };

    const seen = new Set<string>();
    let cursor = '0';
    let reads = 0;
    const readOnce = async () => {
      for (;;) {
        const server = servers[reads++ % servers.length]!;
        const res = await pull(server.url, account.token, `?since=${cursor}&limit=500`);
        expect(res.status).toBe(200);
        for (const change of res.body.changes) seen.add(change.id);
        cursor = res.body.cursor;
        if (!res.body.hasMore) return;
      }
    };
    const reader = async () => {
      while (loading) await readOnce();
    };

    const work = Promise.all([...Array.from({ length: PUSHERS }, (_, p) => pusher(p)), reader()]);
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    loading = false;
    await work;
    // One more round from the reader's own cursor: a change committed with a
    // version below a cursor it already held would be lost here for good.
    await readOnce();

    expect(pushed.size).toBeGreaterThan(PUSHERS * 3);
    expect(reads).toBeGreaterThan(3);
    expect([...seen].sort()).toEqual([...pushed].sort());
    for (const server of servers) {
      const all = await pullAll(server.url, account.token);
      expect(all.changes.map((c) => c.id).sort()).toEqual([...pushed].sort());
      expect(all.cursor).toBe(cursor);
    }
  });
});
