// kill -9 of the server in the middle of large pushes: every batch it
// answered is there whole after a restart, and every batch it did not answer
// is there whole or not at all. The real server runs as a child process;
// three clients push 4 MB batches at once while it is killed three times.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Child, killChildren, requireBuiltServer, startChild } from '../child-server.js';
import { messageChange, pullAll, signup, stamp, tempDir } from '../helpers.js';

const CLIENTS = 3;
const BATCH = 40;
const RECORD_CHARS = 100_000;
const ROUNDS = 3;

let data: { path: string; remove: () => void };
beforeAll(() => {
  requireBuiltServer();
  data = tempDir();
});
afterEach(killChildren);
afterAll(() => data?.remove());

interface Batch {
  name: string;
  changes: ReturnType<typeof messageChange>[];
  /** Versions the server answered, by record id; undefined while unanswered. */
  answered?: Map<string, number>;
}

function makeBatch(name: string, at: number): Batch {
  const changes = Array.from({ length: BATCH }, (_, i) =>
    messageChange(`${name}-${i}`, `c-${name}`, stamp(at, i), {
      content: `${name} ${i} `.padEnd(RECORD_CHARS, String.fromCharCode(97 + (i % 26))),
    }),
  );
  return { name, changes };
}

async function pushBatch(child: Child, token: string, batch: Batch): Promise<void> {
  const res = await fetch(`${child.url}/v1/sync/push`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ clientId: 'crash', changes: batch.changes }),
  });
  const body = (await res.json()) as { results: { id: string; status: string; version: number }[] };
  expect(res.status).toBe(200);
  expect(body.results.every((r) => r.status === 'applied')).toBe(true);
  batch.answered = new Map(body.results.map((r) => [r.id, r.version]));
}

describe('kill -9 during large pushes', () => {
  it('answered batches are whole after a restart; unanswered ones are all or nothing', async () => {
    let child = await startChild({ CHATKEEP_DATA_DIR: data.path });
    const { token } = await signup(child.url, 'crash-user', 'crash password');
    const batches: Batch[] = [];
    let inFlightAtKill = 0;
    const t0 = Date.now() - 60_000;

    for (let round = 0; round < ROUNDS; round++) {
      let answeredThisRound = 0;
      let stopped = false;
      const firstOfRound = batches.length;
      const clients = Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = 0; !stopped; n++) {
          const batch = makeBatch(`r${round}c${client}b${n}`, t0 + round * 1000 + client * 100 + n);
          batches.push(batch);
          try {
            await pushBatch(child, token, batch);
            answeredThisRound++;
          } catch {
            return; // the server died under this request
          }
        }
      });
      // Kill once a few batches were answered, at a moment that varies from round to round.
      while (answeredThisRound < 2 + round) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 17 * round));
      inFlightAtKill += batches.slice(firstOfRound).filter((b) => !b.answered).length;
      child.proc.kill('SIGKILL');
      stopped = true;
      await child.exited;
      await Promise.all(clients);
      child = await startChild({ CHATKEEP_DATA_DIR: data.path });
    }
    expect(inFlightAtKill).toBeGreaterThan(0);

    const stored = new Map((await pullAll(child.url, token)).changes.map((c) => [c.id, c]));
    let wholeUnanswered = 0;
    for (const batch of batches) {
      const present = batch.changes.filter((c) => stored.has(c.id));
      if (batch.answered) {
        expect(present.length, `answered batch ${batch.name}`).toBe(BATCH);
        for (const change of batch.changes) {
          const got = stored.get(change.id)!;
          expect(got.version).toBe(batch.answered.get(change.id));
          expect(JSON.stringify(got.data)).toBe(JSON.stringify(change.data));
        }
      } else {
        expect([0, BATCH], `unanswered batch ${batch.name}`).toContain(present.length);
        if (present.length === BATCH) wholeUnanswered++;
      }
    }
    // Versions still rise after the crashes.
    const versions = [...stored.values()].map((c) => c.version);
    expect(new Set(versions).size).toBe(versions.length);
    console.log(
      `kill -9 test: ${batches.filter((b) => b.answered).length} answered batches, ${inFlightAtKill} in flight at the kills, ${wholeUnanswered} of those committed whole before dying`,
    );
  }, 180_000);
});
