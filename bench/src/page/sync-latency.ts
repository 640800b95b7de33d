// Device-to-device latency of live sync: two devices (two IndexedDB
// databases, each with its own engine, as two browsers would have) on one
// account, against the real server on loopback. Timed from `saveMessage` of
// a finished message on device A until device B's adapter reports the
// change committed (its change feed fires after the transaction commits).
// Both devices share this page's clock, so no clock skew enters the figure.
import {
  createSyncEngine,
  IndexedDBAdapter,
  type StorageChange,
  type SyncEngine,
  type SyncEngineStatus,
} from '@chatkeep/storage';
import { seededRandom } from '../shared/random.js';
import { deleteDatabase } from './context.js';

export interface SyncLatencyRun {
  /** ms from saveMessage on A to the commit on B, per change, in order. */
  samples: number[];
  /** Changes sent before the counted ones, to open the streams and warm the server. */
  warmUp: number;
  /** Requests each device made during the counted changes, by path. */
  requests: { a: Record<string, number>; b: Record<string, number> };
}

const PROJECT = 'latency';

function countingFetch(counts: Record<string, number>): typeof fetch {
  return (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    counts[url.pathname] = (counts[url.pathname] ?? 0) + 1;
    return fetch(input, init);
  };
}

function until(engine: SyncEngine, check: (s: SyncEngineStatus) => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting until ${what}: ${JSON.stringify(engine.getStatus())}`));
    }, 30_000);
    const unsubscribe = engine.subscribe((s) => {
      if (!check(s)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
    if (check(engine.getStatus())) {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}

async function signup(): Promise<{ token: string; userId: string }> {
  const username = `latency-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const response = await fetch('/v1/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery staple' }),
  });
  if (response.status !== 201)
    throw new Error(`signup answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { token: string; userId: string };
}

export async function syncLatency(count: number, warmUp: number): Promise<SyncLatencyRun> {
  const { token, userId } = await signup();
  const stamp = Date.now().toString(36);
  const names = [`latency-a-${stamp}`, `latency-b-${stamp}`];
  const a = await IndexedDBAdapter.open({ dbName: names[0]! });
  const b = await IndexedDBAdapter.open({ dbName: names[1]! });
  const counts = { a: {} as Record<string, number>, b: {} as Record<string, number> };
  const engine = (adapter: IndexedDBAdapter, c: Record<string, number>) =>
    createSyncEngine({ adapter, serverUrl: location.origin, token, userId, fetch: countingFetch(c) });
  const engines = { a: engine(a, counts.a), b: engine(b, counts.b) };

  // Resolves when B has committed a remote change holding message `id`.
  const waiting = new Map<string, (at: number) => void>();
  const unsubscribe = b.subscribe((change: StorageChange) => {
    if (change.origin !== 'sync') return;
    const at = performance.now();
    for (const m of change.messages) waiting.get(m.id)?.(at);
  });
  const arrival = (id: string) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`message ${id} did not reach device B in 30 s`)),
        30_000,
      );
      waiting.set(id, (at) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(at);
      });
    });

  try {
    engines.a.start();
    engines.b.start();
    const synced = (s: SyncEngineStatus) => s.state === 'synced' && s.lastSyncedAt !== null;
    await until(engines.a, synced, 'device A is synced');
    await until(engines.b, synced, 'device B is synced');
    const conversation = await a.createConversation({ projectId: PROJECT, title: 'Latency' });
    const random = seededRandom(16);
    let parentId: string | null = null;
    const samples: number[] = [];
    let before = { a: {}, b: {} } as SyncLatencyRun['requests'];
    for (let i = 0; i < warmUp + count; i++) {
      if (i === warmUp) before = structuredClone(counts);
      const id = `latency-${stamp}-${i}`;
      const arrived = arrival(id);
      const t = performance.now();
      await a.saveMessage({
        id,
        conversationId: conversation.id,
        projectId: PROJECT,
        role: i % 2 ? 'assistant' : 'user',
        content: `Message ${i}: ${'lorem ipsum '.repeat(random.int(5, 60))}`,
        status: 'complete',
        parentId,
      });
      parentId = id;
      const at = await arrived;
      if (i >= warmUp) samples.push(at - t);
      // A person's pace is slower still; a short random pause keeps changes from queueing behind each other.
      await new Promise((r) => setTimeout(r, random.int(50, 150)));
    }
    const delta = (now: Record<string, number>, then: Record<string, number>) =>
      Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (then[k] ?? 0)]));
    return { samples, warmUp, requests: { a: delta(counts.a, before.a), b: delta(counts.b, before.b) } };
  } finally {
    unsubscribe();
    await engines.a.stop();
    await engines.b.stop();
    await a.close();
    await b.close();
    for (const name of names) await deleteDatabase(name);
  }
}
