// No single request may make the server hold more than about 100 MiB beyond
// its idle size, whatever is sent. Each of the worst requests we could
// construct runs against a fresh server in a child process (the real
// `node dist/main.js`): its resident size once warmed up and quiet is the
// idle size; what the request needs is stored next, and the peak during the
// request is VmHWM, reset just before it through /proc/<pid>/clear_refs.
// Whatever the seeding left resident counts against the request, so the
// bound is strict. The figures are printed for BENCHMARKS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../src/protocol.js';
import { type Child, killChildren, requireBuiltServer, startChild } from '../child-server.js';
import {
  conversationChange,
  messageChange,
  messageChangeText,
  pullAll,
  pushBody,
  pushText,
  signup,
  stamp,
  tempDir,
} from '../helpers.js';

const MiB = 1024 * 1024;
const LIMIT_MIB = 100;

let child: Child;
let token: string;
const t0 = Date.now() - 60_000;
const figures: { request: string; idleMiB: number; seededMiB: number; peakMiB: number }[] = [];
const dirs: { remove: () => void }[] = [];

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`/proc/${pid}/status has no ${field}: this test needs Linux /proc`);
  return Number(m[1]) * 1024;
}

/**
 * Starts a fresh server, runs `seed`, lets it settle, then runs `send` and
 * answers the server's peak resident memory above its idle size, in MiB.
 */
async function peakDuring(
  name: string,
  seed: () => Promise<void>,
  send: () => Promise<void>,
): Promise<number> {
  const data = tempDir();
  dirs.push(data);
  child = await startChild({ CHATKEEP_DATA_DIR: data.path });
  ({ token } = await signup(child.url));
  // Every path once with ordinary requests, then what the request needs stored.
  await pushText(child.url, token, pushBody([JSON.stringify(conversationChange('c-mem', stamp(t0)))]));
  await pullAll(child.url, token);
  const settle = () => new Promise((r) => setTimeout(r, 500));
  await settle();
  const pid = child.proc.pid!;
  const idle = status(pid, 'VmRSS');
  await seed();
  await settle();
  const seeded = status(pid, 'VmRSS');
  // "5" resets the peak (VmHWM) to the current resident size.
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  await send();
  const peak = status(pid, 'VmHWM');
  figures.push({ request: name, idleMiB: idle / MiB, seededMiB: seeded / MiB, peakMiB: (peak - idle) / MiB });
  return (peak - idle) / MiB;
}

async function postPush(body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${child.url}/v1/sync/push`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Record data of almost 4 MiB (four fit one push) whose content is `fill` repeated. */
function fullRecord(id: string, fill: string): string {
  const head = `{"id":${JSON.stringify(id)},"conversationId":"c-mem","x":[`;
  const count = Math.floor((MAX_RECORD_BYTES - 400 - head.length - 2) / (fill.length + 1));
  return `${head}${Array(count).fill(fill).join(',')}]}`;
}

/** Four records of almost 4 MiB each: one push of 16 MiB. */
const arrayRecords = [0, 1, 2, 3].map((i) =>
  messageChangeText(`m-arrays-${i}`, stamp(t0, i), fullRecord(`m-arrays-${i}`, '[]'), 'c-mem'),
);
/** Stores the four records one push each, as a client whose batches are by bytes would. */
async function storeArrayRecords() {
  for (const record of arrayRecords) {
    const res = await postPush(pushBody([record]));
    expect(JSON.parse(res.text).results[0].status).toBe('applied');
  }
}

beforeAll(requireBuiltServer);
afterEach(killChildren);
afterAll(() => {
  for (const d of dirs) d.remove();
  if (figures.length > 0) {
    console.log(
      `server memory, peak above idle per request (MiB):\n${figures
        .map(
          (f) =>
            `  ${f.peakMiB.toFixed(1).padStart(6)}  ${f.request} (idle ${f.idleMiB.toFixed(1)} MiB, after storing what it needs ${f.seededMiB.toFixed(1)} MiB)`,
        )
        .join('\n')}`,
    );
  }
});

// Each case starts a server and moves tens of MiB: generous time on a loaded machine.
describe(`server memory: no request makes it hold more than ${LIMIT_MIB} MiB beyond idle`, {
  timeout: 120_000,
}, () => {
  it('a 16 MiB push of four 4 MiB records made of empty arrays (the densest JSON to parse)', async () => {
    const body = pushBody(arrayRecords);
    expect(body.length).toBeGreaterThan(15.9 * MiB);
    let answer = { status: 0, text: '' };
    const peak = await peakDuring(
      'push: 16 MiB body, 4 records of empty arrays',
      async () => {},
      async () => {
        answer = await postPush(body);
      },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).results.map((r: { status: string }) => r.status)).toEqual(
      Array(4).fill('applied'),
    );
    expect(peak).toBeLessThan(LIMIT_MIB);
  });

  it('a 16 MiB push of 1000 records of 16 KiB of small objects', async () => {
    const objects = Array(2000).fill('{"a":0}').join(',');
    const changes = Array.from({ length: 1000 }, (_, i) =>
      messageChangeText(`m-small-${i}`, stamp(t0, i), `{"conversationId":"c-mem","x":[${objects}]}`),
    );
    let status = 0;
    const peak = await peakDuring(
      'push: 16 MiB body, 1000 records of small objects',
      async () => {},
      async () => {
        status = (await postPush(pushBody(changes))).status;
      },
    );
    expect(status).toBe(200);
    expect(peak).toBeLessThan(LIMIT_MIB);
  });

  it('a 16 MiB push of one change nested 8 million levels deep', async () => {
    const levels = 8 * MiB - 100;
    const body = pushBody([
      messageChangeText('m-deep', stamp(t0), `{"x":${'['.repeat(levels)}${']'.repeat(levels)}}`),
    ]);
    let answer = { status: 0, text: '' };
    const peak = await peakDuring(
      'push: one change nested 8 million levels',
      async () => {},
      async () => {
        answer = await postPush(body);
      },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).results[0].status).toBe('rejected');
    expect(peak).toBeLessThan(LIMIT_MIB);
  });

  it('a 16 MiB push whose id is 8 million non-ASCII characters', async () => {
    const body = JSON.stringify({
      clientId: 'deviceA',
      changes: [{ ...conversationChange('c', stamp(t0)), id: 'é'.repeat(8 * MiB - 100), data: {} }],
    });
    let status = 0;
    const peak = await peakDuring(
      'push: one 16 MiB non-ASCII id',
      async () => {},
      async () => {
        status = (await postPush(body)).status;
      },
    );
    expect(status).toBe(200);
    expect(peak).toBeLessThan(LIMIT_MIB);
  });

  it('1000 stale copies of a stored 4 MiB record (the answer carries it once)', async () => {
    const copies = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify(messageChange('m-stale', 'c-mem', stamp(t0, i))),
    );
    let answer = { status: 0, text: '' };
    const seed = async () => {
      const stored = await postPush(
        pushBody([messageChangeText('m-stale', stamp(t0 + 5000), fullRecord('m-stale', '"s"'), 'c-mem')]),
      );
      expect(JSON.parse(stored.text).results[0].status).toBe('applied');
    };
    const peak = await peakDuring('push: 1000 stale copies of a 4 MiB record', seed, async () => {
      answer = await postPush(pushBody(copies));
    });
    expect(answer.status).toBe(200);
    expect(answer.text.length).toBeLessThan(MAX_RECORD_BYTES + 1000 * 400);
    expect(peak).toBeLessThan(LIMIT_MIB);
  });

  it('stale results for four 4 MiB records (a 16 MiB answer)', async () => {
    const ids = [0, 1, 2, 3].map((i) => `m-arrays-${i}`);
    const body = pushBody(ids.map((id) => JSON.stringify(messageChange(id, 'c-mem', stamp(t0 - 1000)))));
    let answer = { status: 0, text: '' };
    const peak = await peakDuring(
      'push: stale results for four 4 MiB records',
      storeArrayRecords,
      async () => {
        answer = await postPush(body);
      },
    );
    expect(answer.status).toBe(200);
    expect(Buffer.byteLength(answer.text)).toBeLessThanOrEqual(16 * MiB);
    expect(peak).toBeLessThan(LIMIT_MIB);
  });

  it('a pull of up to 1000 changes over 4 MiB records (a page stops before 16 MiB)', async () => {
    let status = 0;
    const peak = await peakDuring('pull: limit 1000 over 4 MiB records', storeArrayRecords, async () => {
      const res = await fetch(`${child.url}/v1/sync/pull?limit=1000`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      status = res.status;
      await res.arrayBuffer();
    });
    expect(status).toBe(200);
    expect(peak).toBeLessThan(LIMIT_MIB);
  });
});
