// Server figures on PostgreSQL with several server processes on one database:
// push/pull throughput over three instances, commit-to-event latency across
// instances, and the memory held by idle event streams.
import { readFile } from 'node:fs/promises';
import { formatHlc } from '@chatkeep/storage';
import type { DatasetSpec } from '../shared/dataset.js';
import { percentile } from '../shared/stats.js';
import { createBenchDatabase } from './pg-database.js';
import { type RunningServer, startServer } from './server.js';
import {
  type Account,
  datasetChanges,
  PUSH_SAMPLE,
  pullAll,
  pushAll,
  signup,
  type WireChange,
} from './server-figures.js';

/** The server's limit of open event streams per user and instance. */
const STREAMS_PER_USER = 10;

export interface ClusterRuns {
  /** Changes/s over all three instances together, one per measured run. */
  pushPerSecond: number[];
  pullPerSecond: number[];
  pushSample: number;
  /** Per run: p50 and p99 in ms from the push's answer to the event's arrival. */
  eventP50: number[];
  eventP99: number[];
  /** The same, from the moment the push was sent (an upper bound of commit to arrival). */
  eventSentP99: number[];
  eventStreams: number;
  eventsPerRun: number;
  /** The instance holding the streams: with them open, before they opened (users signed up elsewhere), just after start. */
  idle?: { streams: number; rssMB: number; idleRssMB: number; startRssMB: number };
}

/** Starts `count` server processes on one fresh database; all are stopped and the database dropped by `use`'s end. */
async function withInstances<T>(
  root: string,
  count: number,
  use: (servers: RunningServer[]) => Promise<T>,
): Promise<T> {
  const database = await createBenchDatabase();
  const servers: RunningServer[] = [];
  try {
    // One after the other: the first migrates the schema.
    for (let i = 0; i < count; i++) servers.push(await startServer(root, { databaseUrl: database.url }));
    return await use(servers);
  } finally {
    for (const server of servers) await server.stop();
    await database.drop();
  }
}

/**
 * Three pushers at once, each on its own account and instance, each sending
 * the same sample as the one-instance figure; then each account pulled back
 * through another instance than the one it was pushed to, all three at once.
 */
async function throughput(servers: RunningServer[], spec: DatasetSpec, runs: number) {
  const clientId = 'bench-node';
  const sample = datasetChanges(spec, clientId).slice(0, PUSH_SAMPLE);
  const pushPerSecond: number[] = [];
  let accounts: Account[] = [];
  for (let run = 0; run <= runs; run++) {
    accounts = await Promise.all(servers.map((s, i) => signup(s.url, `bench3-${Date.now()}-${run}-${i}`)));
    const t = performance.now();
    await Promise.all(servers.map((s, i) => pushAll(s.url, accounts[i]!, sample, clientId)));
    if (run > 0) pushPerSecond.push((servers.length * sample.length) / ((performance.now() - t) / 1000));
  }
  const pullPerSecond: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const t = performance.now();
    const pulled = await Promise.all(
      servers.map((_, i) => pullAll(servers[(i + 1) % servers.length]!.url, accounts[i]!)),
    );
    const seconds = (performance.now() - t) / 1000;
    for (const p of pulled) {
      if (p.changes !== sample.length) {
        throw new Error(
          `pull through another instance returned ${p.changes} changes, expected ${sample.length}`,
        );
      }
    }
    if (run > 0) pullPerSecond.push((servers.length * sample.length) / seconds);
  }
  return { pushPerSecond, pullPerSecond, pushSample: sample.length };
}

interface OpenStream {
  /** Arrival times (performance.now()) of every `event: change`. */
  arrivals: number[];
  /** Resolves on the next arrival. */
  next(): Promise<void>;
  close(): void;
}

/** Opens GET /v1/sync/events and records when each change event arrives. */
async function openStream(server: string, account: Account): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(`${server}/v1/sync/events`, {
    headers: { authorization: `Bearer ${account.token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (!response.ok || !response.body) {
    throw new Error(`event stream answered ${response.status}: ${await response.text()}`);
  }
  const arrivals: number[] = [];
  let waiters: (() => void)[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: change$/m.test(block)) {
            arrivals.push(performance.now());
            const ready = waiters;
            waiters = [];
            for (const w of ready) w();
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    arrivals,
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () => abort.abort(),
  };
}

/** A new conversation shaped like the dataset's first, as one small push. */
function change(template: WireChange, clientId: string, n: number): WireChange {
  const id = `bench-event-${clientId}-${n}`;
  return {
    ...template,
    id,
    hlc: formatHlc({ ms: Date.now(), counter: n % 100_000, clientId }),
    data: { ...template.data, id },
  };
}

/**
 * `streams` event streams on instances B and C (half each), all pushes on A,
 * one push at a time: each push's latency is measured on every stream of its user.
 */
async function eventLatency(
  servers: RunningServer[],
  spec: DatasetSpec,
  streams: number,
  pushesPerRun: number,
  runs: number,
) {
  const [a, ...others] = servers as [RunningServer, ...RunningServer[]];
  const users = Math.ceil(streams / STREAMS_PER_USER);
  const template = datasetChanges(spec, 'bench-events')[0]!;
  const accounts = await Promise.all(
    Array.from({ length: users }, (_, i) => signup(a.url, `bench-events-${Date.now()}-${i}`)),
  );
  const byUser: OpenStream[][] = accounts.map(() => []);
  for (let i = 0; i < streams; i++) {
    const user = i % users;
    const server = others[i % others.length]!;
    byUser[user]!.push(await openStream(server.url, accounts[user]!));
  }
  const eventP50: number[] = [];
  const eventP99: number[] = [];
  const eventSentP99: number[] = [];
  let n = 0;
  try {
    for (let run = 0; run <= runs; run++) {
      const fromAnswer: number[] = [];
      const fromSent: number[] = [];
      for (let i = 0; i < pushesPerRun; i++) {
        const user = i % users;
        const clientId = `bench-events-${user}`;
        const userStreams = byUser[user]!;
        const arrived = Promise.all(userStreams.map((s) => s.next()));
        const sent = performance.now();
        await pushAll(a.url, accounts[user]!, [change(template, clientId, n++)], clientId);
        const answered = performance.now();
        await Promise.race([
          arrived,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error('an event did not arrive within 10 s of its push')), 10_000),
          ),
        ]);
        for (const s of userStreams) {
          const at = s.arrivals[s.arrivals.length - 1]!;
          fromAnswer.push(at - answered);
          fromSent.push(at - sent);
        }
      }
      // The first run warms connections and the server's code paths.
      if (run === 0) continue;
      eventP50.push(percentile(fromAnswer, 50));
      eventP99.push(percentile(fromAnswer, 99));
      eventSentP99.push(percentile(fromSent, 99));
    }
  } finally {
    for (const list of byUser) for (const s of list) s.close();
  }
  return {
    eventP50,
    eventP99,
    eventSentP99,
    eventStreams: streams,
    eventsPerRun: pushesPerRun * STREAMS_PER_USER,
  };
}

async function rssMB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) / 1024;
}

/**
 * RSS of one instance with `streams` idle event streams open, and before they
 * opened. Instances share accounts through the database, so the users sign up
 * on another instance: the figure is what an instance that only holds streams
 * costs, not what password hashing left behind in the same process.
 */
async function idleStreams(signupServer: RunningServer, server: RunningServer, streams: number) {
  const startRssMB = await rssMB(server.pid);
  const users = Math.ceil(streams / STREAMS_PER_USER);
  const accounts: Account[] = [];
  for (let i = 0; i < users; i++) {
    accounts.push(await signup(signupServer.url, `bench-idle-${Date.now()}-${i}`));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const idleRssMB = await rssMB(server.pid);
  const open: OpenStream[] = [];
  try {
    for (let i = 0; i < streams; i++) open.push(await openStream(server.url, accounts[i % users]!));
    // A few rounds of the 2 s session check with every stream open.
    await new Promise((r) => setTimeout(r, 6000));
    return { streams, rssMB: await rssMB(server.pid), idleRssMB, startRssMB };
  } finally {
    for (const s of open) s.close();
  }
}

export async function pgClusterFigures(
  root: string,
  spec: DatasetSpec,
  runs: number,
  want: { throughput: boolean; latency: boolean; idle: boolean },
  smoke: boolean,
): Promise<Partial<ClusterRuns>> {
  const result: Partial<ClusterRuns> = {};
  if (want.throughput || want.latency) {
    await withInstances(root, 3, async (servers) => {
      if (want.throughput) Object.assign(result, await throughput(servers, spec, runs));
      if (want.latency) Object.assign(result, await eventLatency(servers, spec, 100, smoke ? 10 : 50, runs));
    });
  }
  if (want.idle) {
    await withInstances(root, 2, async ([signupServer, server]) => {
      result.idle = await idleStreams(signupServer!, server!, smoke ? 100 : 1000);
    });
  }
  return result;
}
