// Live events on both stores, as clients rely on them: an event is sent only
// once its commit is visible (pulling the event's cursor right away already
// finds the change, even while other pushes are in flight), and a client that
// reconnects after the server process restarts gets events again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor } from '../src/sync/cursor.js';
import { killChildren, requireBuiltServer, startChild } from './child-server.js';
import { openEvents } from './event-stream-client.js';
import { conversationChange, pull, push, signup, stamp, type TestServer, tempDir } from './helpers.js';
import { createTestDatabase } from './pg-database.js';
import { STORES, type StoreServers, storeServers } from './store-servers.js';

const t0 = Date.now() - 60_000;

describe.each(STORES)('events on %s', (storeName) => {
  let servers: StoreServers;
  let writer: TestServer;
  let reader: TestServer;
  beforeAll(async () => {
    servers = await storeServers(storeName);
    writer = await servers.start();
    reader = storeName === 'postgres' ? await servers.start() : writer;
  });
  afterAll(() => servers?.stopAll());

  it('are sent after commit: pulling at once on each event finds the change of its cursor', async () => {
    const { token } = await signup(writer.url);
    const stream = await openEvents(reader.url, token);
    expect(stream.status).toBe(200);
    let watching = true;
    let checked = 0;
    let highest = 0;
    // Pulls as soon as each event arrives, while the pushes go on.
    const watcher = (async () => {
      while (watching || checked < stream.events.length) {
        const event = await stream.next(checked, 200).catch(() => undefined);
        if (!event) continue;
        checked++;
        const version = decodeCursor(JSON.parse(event.data).cursor);
        const pulled = await pull(reader.url, token, '?limit=1000');
        expect(pulled.status).toBe(200);
        expect(decodeCursor(pulled.body.cursor)).toBeGreaterThanOrEqual(version);
        expect(pulled.body.changes.map((c) => c.version)).toContain(version);
        highest = Math.max(highest, version);
      }
    })();
    try {
      const answers = await Promise.all(
        Array.from({ length: 4 }, async (_, loop) => {
          const cursors: number[] = [];
          for (let n = 0; n < 8; n++) {
            const res = await push(
              writer.url,
              token,
              [conversationChange(`c${loop}-${n}`, stamp(t0))],
              `d${loop}`,
            );
            expect(res.body.results[0]?.status).toBe('applied');
            cursors.push(decodeCursor(res.body.cursor));
          }
          return cursors;
        }),
      );
      const last = Math.max(...answers.flat());
      await expect.poll(() => highest, { timeout: 5_000 }).toBe(last);
    } finally {
      watching = false;
      await watcher;
      stream.close();
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe.each(STORES)('events on %s across a server restart', (storeName) => {
  const dataDir = tempDir();
  let drop: (() => Promise<void>) | undefined;
  beforeAll(() => requireBuiltServer());
  afterAll(async () => {
    killChildren();
    dataDir.remove();
    await drop?.();
  });

  it('a client reconnecting to the restarted server gets events again', async () => {
    let env: Record<string, string> = { CHATKEEP_DATA_DIR: dataDir.path };
    if (storeName === 'postgres') {
      const database = await createTestDatabase();
      drop = database.drop;
      env = { CHATKEEP_DATABASE_URL: database.url };
    }
    const first = await startChild(env);
    const { token } = await signup(first.url);
    const before = await openEvents(first.url, token);
    expect(before.status).toBe(200);
    await push(first.url, token, [conversationChange('before', stamp(t0))]);
    expect((await before.next(0)).event).toBe('change');

    // A graceful stop ends the stream; the client sees it end and reconnects to the same address.
    first.proc.kill('SIGTERM');
    await before.ended;
    expect(await first.exited).toBe(0);
    const restarted = await startChild({ ...env, PORT: new URL(first.url).port });
    expect(restarted.url).toBe(first.url);

    const after = await openEvents(restarted.url, token);
    try {
      expect(after.status).toBe(200);
      const pushed = await push(restarted.url, token, [conversationChange('after', stamp(t0 + 1))]);
      expect(pushed.body.results[0]?.status).toBe('applied');
      const event = await after.next(0);
      expect(event.event).toBe('change');
      expect(JSON.parse(event.data)).toEqual({ cursor: pushed.body.cursor });
    } finally {
      after.close();
    }
  });
});
