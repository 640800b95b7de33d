// Three `node dist/main.js` processes on one PostgreSQL database under load,
// as behind a load balancer: 20 concurrent pushers spread over the instances
// while a reader pulls from each in turn by cursor. Versions are per user and
// committed in order, so the reader's cursor never passes a change that
// commits later: its incremental set must equal the full set at the end.
// Then one instance is killed with SIGKILL while large pushes are in flight:
// PostgreSQL rolls back what it had not committed, so every batch is whole or
// absent, and the other instances serve on.
import { describe, expect, it } from 'vitest';
import type { Child } from './child-server.js';
import { conversationChange, messageChange, pull, pullAll, push, signup, stamp } from './helpers.js';
import { childServersOnOneDatabase } from './pg-child-servers.js';

const PUSHERS = 20;
const LOAD_MS = 3_000;

// Per-instance sync rate limits would turn this load into 429s; the test is about ordering.
const servers = childServersOnOneDatabase(3, { CHATKEEP_SYNC_RATE: '100000', CHATKEEP_SYNC_BURST: '100000' });

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

  it('kill -9 of one instance mid-push: answered batches whole, unanswered all or nothing, the others serve', async () => {
    const [victim, b, c] = servers as [Child, Child, Child];
    const account = await signup(b.url);
    const t0 = Date.now() - 60_000;
    // One conversation and 249 messages of 4 KiB: about 1 MiB a push, so the kill lands inside some.
    const batch = (tag: string) => [
      conversationChange(`conv-${tag}`, stamp(t0)),
      ...Array.from({ length: 249 }, (_, i) =>
        messageChange(`m-${tag}-${i}`, `conv-${tag}`, stamp(t0, i + 1), {
          content: `${tag} `.padEnd(4096, 'x'),
        }),
      ),
    ];
    const answered: string[] = [];
    const unanswered: string[] = [];
    let answeredByVictim = 0;
    let killSent = false;
    let killed: () => void = () => {};
    const killedPromise = new Promise<void>((resolve) => {
      killed = resolve;
    });
    const onVictim = async (loop: number) => {
      for (let n = 0; ; n++) {
        const tag = `v${loop}-${n}`;
        try {
          const res = await push(victim.url, account.token, batch(tag), `victim${loop}`);
          expect(res.status).toBe(200);
          expect(res.body.results.every((r) => r.status === 'applied')).toBe(true);
          answered.push(tag);
          if (++answeredByVictim === 3) {
            killSent = true;
            victim.proc.kill('SIGKILL');
            killed();
            // The other three loops have pushes in flight; this one sends no more.
            return;
          }
        } catch (error) {
          if (!killSent) throw error;
          unanswered.push(tag);
          return;
        }
      }
    };
    // A pusher on another instance the whole time: it must never fail.
    const onSurvivor = async () => {
      let stop = false;
      void killedPromise.then(() => setTimeout(() => (stop = true), 500));
      for (let n = 0; !stop; n++) {
        const tag = `s-${n}`;
        const res = await push(b.url, account.token, batch(tag), 'survivor');
        expect(res.status).toBe(200);
        answered.push(tag);
      }
    };
    await Promise.all([onVictim(0), onVictim(1), onVictim(2), onVictim(3), onSurvivor()]);
    await victim.exited;
    expect(unanswered.length).toBeGreaterThan(0);

    for (const server of [b, c]) {
      const { changes } = await pullAll(server.url, account.token);
      const ids = new Set(changes.map((ch) => ch.id));
      const present = (tag: string) =>
        [`conv-${tag}`, ...Array.from({ length: 249 }, (_, i) => `m-${tag}-${i}`)].filter((id) => ids.has(id))
          .length;
      for (const tag of answered) expect(present(tag), `answered batch ${tag}`).toBe(250);
      for (const tag of unanswered) expect([0, 250], `unanswered batch ${tag}`).toContain(present(tag));
      const known = new Set([...answered, ...unanswered].flatMap((tag) => [`conv-${tag}`]));
      expect(changes.filter((ch) => ch.kind === 'conversation').every((ch) => known.has(ch.id))).toBe(true);
    }
    // Both survivors still take pushes and agree.
    for (const [i, server] of [b, c].entries()) {
      const res = await push(server.url, account.token, [conversationChange(`after-${i}`, stamp())]);
      expect(res.body.results[0]?.status).toBe('applied');
    }
    const fromB = await pullAll(b.url, account.token);
    const fromC = await pullAll(c.url, account.token);
    expect(fromC.changes.map((ch) => ch.id)).toEqual(fromB.changes.map((ch) => ch.id));
    expect(fromB.changes.some((ch) => ch.id === 'after-1')).toBe(true);
  });
});
