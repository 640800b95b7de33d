// Three `node dist/main.js` processes on one PostgreSQL database, as behind a
// load balancer: an account made on one logs in on another, pushes to each
// reach every pull, a commit on one reaches an event stream on another, and
// after one is killed with SIGKILL the others keep serving everything it answered.
import { describe, expect, it } from 'vitest';
import type { Child } from './child-server.js';
import { openEvents } from './event-stream-client.js';
import { conversationChange, pullAll, push, request, signup, stamp } from './helpers.js';
import { childServersOnOneDatabase } from './pg-child-servers.js';

const servers = childServersOnOneDatabase(3, { CHATKEEP_SIGNUPS_PER_HOUR: '1000' });

describe('three server processes on one PostgreSQL database', () => {
  it('share accounts, records and live events; one killed, the others keep serving', async () => {
    const [a, b, c] = servers as [Child, Child, Child];
    const account = await signup(a.url);
    const login = await request<{ token: string }>(b.url, 'POST', '/v1/auth/login', {
      json: { username: account.username, password: 'correct horse' },
    });
    expect(login.status).toBe(200);

    const stream = await openEvents(c.url, account.token);
    try {
      expect(stream.status).toBe(200);
      const t0 = Date.now() - 60_000;
      const answered: string[] = [];
      for (const [i, server] of [a, b, c, a, b, c].entries()) {
        const res = await push(server.url, i % 2 ? login.body.token : account.token, [
          conversationChange(`c${i}`, stamp(t0 + i)),
        ]);
        expect(res.body.results[0]?.status).toBe('applied');
        answered.push(res.body.cursor);
      }
      // The stream on c heard of the last commit, wherever it was made.
      await expect
        .poll(() => stream.events.some((e) => JSON.parse(e.data).cursor === answered.at(-1)), {
          timeout: 5_000,
        })
        .toBe(true);

      a.proc.kill('SIGKILL');
      await a.exited;
      for (const server of [b, c]) {
        const { changes } = await pullAll(server.url, account.token);
        expect(changes.map((ch) => ch.id).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
      }
      expect((await push(b.url, account.token, [conversationChange('c6', stamp(t0 + 6))])).status).toBe(200);
    } finally {
      stream.close();
    }
  });
});
