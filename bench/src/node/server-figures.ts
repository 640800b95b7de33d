// Server figures on SQLite, over HTTP on loopback: push and pull throughput
// of the whole dataset, as the client engine sends it (500 changes a push).
import { formatHlc } from '@chatkeep/storage';
import { conversationsOf, type DatasetSpec } from '../shared/dataset.js';

export interface WireChange {
  kind: 'conversation' | 'message';
  id: string;
  projectId: string;
  hlc: string;
  deleted: boolean;
  data: object;
}

export interface Account {
  token: string;
  userId: string;
}

const PUSH_BATCH = 500;
const PULL_LIMIT = 1000;

/** Every record of the dataset as a change stamped by one client, conversations before their messages. */
export function datasetChanges(spec: DatasetSpec, clientId: string): WireChange[] {
  const changes: WireChange[] = [];
  let ms = Date.now();
  let counter = 0;
  const stamp = () => {
    counter += 1;
    if (counter > 99_999) {
      ms += 1;
      counter = 0;
    }
    return formatHlc({ ms, counter, clientId });
  };
  for (const { conversation, messages } of conversationsOf(spec)) {
    changes.push({
      kind: 'conversation',
      id: conversation.id,
      projectId: conversation.projectId,
      hlc: stamp(),
      deleted: false,
      data: conversation,
    });
    for (const m of messages) {
      changes.push({
        kind: 'message',
        id: m.id,
        projectId: m.projectId,
        hlc: stamp(),
        deleted: false,
        data: m,
      });
    }
  }
  return changes;
}

async function call(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, init);
    if (response.status !== 429 || attempt > 20) return response;
    // The rate limit is part of the real server; wait as the client engine would.
    const wait = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((r) => setTimeout(r, Math.max(50, wait * 1000)));
  }
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function signup(server: string, username: string): Promise<Account> {
  const response = await call(`${server}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'bench-password-1234' }),
  });
  return json<Account>(response, 'signup');
}

/** Pushes every change in batches; returns the seconds it took. */
export async function pushAll(
  server: string,
  account: Account,
  changes: WireChange[],
  clientId: string,
): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < changes.length; i += PUSH_BATCH) {
    const batch = changes.slice(i, i + PUSH_BATCH);
    const response = await call(`${server}/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}` },
      body: JSON.stringify({ clientId, changes: batch }),
    });
    const body = await json<{ results: { status: string; reason?: string }[] }>(response, 'push');
    const refused = body.results.find((r) => r.status !== 'applied');
    if (refused) throw new Error(`push did not apply a change: ${JSON.stringify(refused)}`);
  }
  return (performance.now() - t) / 1000;
}

/** Pulls everything from the beginning; returns the seconds and how many changes came. */
export async function pullAll(
  server: string,
  account: Account,
): Promise<{ seconds: number; changes: number }> {
  const t = performance.now();
  let cursor = '0';
  let changes = 0;
  for (;;) {
    const response = await call(
      `${server}/v1/sync/pull?since=${encodeURIComponent(cursor)}&limit=${PULL_LIMIT}`,
      {
        headers: { authorization: `Bearer ${account.token}` },
      },
    );
    const page = await json<{ changes: unknown[]; cursor: string; hasMore: boolean }>(response, 'pull');
    changes += page.changes.length;
    cursor = page.cursor;
    if (!page.hasMore || page.changes.length === 0) break;
  }
  return { seconds: (performance.now() - t) / 1000, changes };
}

export interface ServerRuns {
  pushPerSecond: number[];
  pullPerSecond: number[];
  changes: number;
  /** Changes pushed per measured run. */
  pushSample: number;
  /** One push of the whole dataset (not a median: done once). */
  fullPushSeconds: number;
  /** The account whose copy of the dataset the fresh-device figure syncs. */
  account: Account;
}

/** Changes per push run: enough for a steady rate, small enough for five runs and a warm-up. */
export const PUSH_SAMPLE = 20_000;

/** `measure` false: only the whole dataset's push, for the fresh-device figures (no push or pull runs). */
export async function serverFigures(
  server: string,
  spec: DatasetSpec,
  runs: number,
  measure = true,
): Promise<ServerRuns> {
  const clientId = 'bench-node';
  const changes = datasetChanges(spec, clientId);
  const sample = changes.slice(0, PUSH_SAMPLE);
  const pushPerSecond: number[] = [];
  for (let run = 0; measure && run <= runs; run++) {
    // A new account per run: each push stores its records from scratch.
    const account = await signup(server, `bench-${Date.now()}-${run}`);
    const seconds = await pushAll(server, account, sample, clientId);
    if (run > 0) pushPerSecond.push(sample.length / seconds);
  }
  // The whole dataset once, for the pull figure and the fresh device.
  const account = await signup(server, `bench-${Date.now()}-full`);
  const fullPushSeconds = await pushAll(server, account, changes, clientId);
  const pullPerSecond: number[] = [];
  for (let run = 0; measure && run <= runs; run++) {
    const pulled = await pullAll(server, account);
    if (pulled.changes !== changes.length) {
      throw new Error(`pull returned ${pulled.changes} changes, expected ${changes.length}`);
    }
    if (run > 0) pullPerSecond.push(pulled.changes / pulled.seconds);
  }
  return {
    pushPerSecond,
    pullPerSecond,
    changes: changes.length,
    pushSample: sample.length,
    fullPushSeconds,
    account,
  };
}
