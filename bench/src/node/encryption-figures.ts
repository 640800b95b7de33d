// End-to-end encryption's cost, in Node against the real server on loopback,
// with encryption off and on taking turns in the same run:
// - push: a sample of the dataset sealed as the engine seals it (RecordSeal:
//   opaque project id, AES-GCM of each record) and pushed 500 a request, vs
//   the same records in plaintext;
// - pull: everything from the beginning, 1000 a page, each record opened and
//   checked (RecordSeal.open) vs checked in plaintext (parseRemoteChanges, as
//   applyRemote does);
// - fresh-device download: the conversation list, then every conversation's
//   messages (6 requests in flight, as the engine's download), opened or
//   checked the same way. No IndexedDB here: these are the network, server
//   and crypto parts of the browser figures, where writes come on top.
// - key derivation: setting up keys and unlocking with the default PBKDF2.

import { type RecordChange, RecordSeal, type ServerRecordChange } from '@chatkeep/storage';
import { createKeyMaterial, unlockWithPassphrase } from '@chatkeep/storage/crypto';
import { parseRemoteChanges } from '@chatkeep/storage/protocol';
import type { DatasetSpec } from '../shared/dataset.js';
import { summarize } from '../shared/stats.js';
import type { Figure } from './figures.js';
import { type Account, datasetChanges, pushAll, signup, type WireChange } from './server-figures.js';

export interface EncryptionRuns {
  changes: number;
  messages: number;
  conversations: number;
  pushPerSecond: { plain: number[]; encrypted: number[] };
  pullPerSecond: { plain: number[]; encrypted: number[] };
  downloadSeconds: { plain: number[]; encrypted: number[] };
  /** createKeyMaterial at the default iterations (one PBKDF2 and two wraps), ms. */
  setUpMs: number[];
  /** unlockWithPassphrase at the default iterations, ms. */
  unlockMs: number[];
  iterations: number;
}

/** Changes per account: enough for a steady rate, few enough for several runs of each variant. */
const SAMPLE = 20_000;
export const PASSPHRASE = 'bench passphrase of four words';

async function get<T>(server: string, account: Account, path: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${server}${path}`, { headers: { authorization: `Bearer ${account.token}` } });
    } catch (error) {
      // A connection reset on a machine this busy: try again, as the engine's download would.
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (response.status === 429 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get('retry-after') ?? '1')));
      continue;
    }
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }
}

/**
 * What the client does with a page before writing it: open and check each
 * record (the engine's own RecordSeal.openAll, a few dozen at a time), or
 * check the plaintext page. Either way each record is checked once: an opened
 * record is not checked again when applied.
 */
async function readPage(seal: RecordSeal | undefined, changes: ServerRecordChange[]): Promise<number> {
  if (!seal) return parseRemoteChanges(changes).length;
  const opened = await seal.openAll(changes);
  const bad = opened.find((r) => !r.ok);
  if (bad && !bad.ok) throw new Error(`a record did not open: ${bad.message}`);
  return opened.length;
}

async function pullEverything(server: string, account: Account, seal: RecordSeal | undefined) {
  const t = performance.now();
  let cursor = '0';
  let count = 0;
  for (;;) {
    const page = await get<{ changes: ServerRecordChange[]; cursor: string; hasMore: boolean }>(
      server,
      account,
      `/v1/sync/pull?since=${encodeURIComponent(cursor)}&limit=1000`,
    );
    count += await readPage(seal, page.changes);
    cursor = page.cursor;
    if (!page.hasMore || page.changes.length === 0) break;
  }
  return { seconds: (performance.now() - t) / 1000, count };
}

async function download(server: string, account: Account, seal: RecordSeal | undefined) {
  const t = performance.now();
  const list = await get<{ changes: ServerRecordChange[] }>(server, account, '/v1/sync/conversations');
  let count = await readPage(seal, list.changes);
  const queue = list.changes.filter((c) => !c.deleted).map((c) => c.id);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      let after = '';
      for (;;) {
        const query = `limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`;
        const page = await get<{ changes: ServerRecordChange[]; hasMore: boolean }>(
          server,
          account,
          `/v1/sync/conversations/${encodeURIComponent(id)}/messages?${query}`,
        );
        // Read first: `count += await` would add to the count as it was before other workers added theirs.
        const read = await readPage(seal, page.changes);
        count += read;
        if (!page.hasMore || page.changes.length === 0) break;
        after = page.changes[page.changes.length - 1]!.id;
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return { seconds: (performance.now() - t) / 1000, count };
}

/**
 * A new account with encryption turned on (as the engine does: keys set up,
 * plaintext refused from then on), and the keys made for it. Few iterations:
 * unlocking is not what is timed.
 */
export async function encryptedAccount(
  server: string,
  name: string,
): Promise<{ account: Account; created: Awaited<ReturnType<typeof createKeyMaterial>> }> {
  const account = await signup(server, name);
  const created = await createKeyMaterial(PASSPHRASE, { iterations: 1_000 });
  const response = await fetch(`${server}/v1/account/keys`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}` },
    body: JSON.stringify({ keys: created.material, encrypted: true, previous: 0 }),
  });
  if (!response.ok) throw new Error(`PUT /v1/account/keys answered ${response.status}`);
  return { account, created };
}

/** The sample sealed as the engine's push seals it (RecordSeal.sealAll, a few dozen at a time). */
async function sealAll(seal: RecordSeal, changes: WireChange[]): Promise<WireChange[]> {
  return (await seal.sealAll(changes as unknown as RecordChange[])) as unknown as WireChange[];
}

export async function encryptionFigures(
  server: string,
  spec: DatasetSpec,
  runs: number,
  log: (line: string) => void,
): Promise<EncryptionRuns> {
  const clientId = 'bench-encryption';
  const sample = datasetChanges(spec, clientId).slice(0, SAMPLE);
  const result: EncryptionRuns = {
    changes: sample.length,
    messages: sample.filter((c) => c.kind === 'message').length,
    conversations: sample.filter((c) => c.kind === 'conversation').length,
    pushPerSecond: { plain: [], encrypted: [] },
    pullPerSecond: { plain: [], encrypted: [] },
    downloadSeconds: { plain: [], encrypted: [] },
    setUpMs: [],
    unlockMs: [],
    iterations: 0,
  };
  // Run 0 warms up; plain and encrypted take turns, who goes first alternating.
  let plainAccount: Account | undefined;
  let encrypted: { account: Account; seal: RecordSeal } | undefined;
  for (let run = 0; run <= runs; run++) {
    const order = run % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const);
    for (const variant of order) {
      const name = `bench-e2ee-${variant}-${Date.now()}-${run}`;
      let seconds: number;
      if (variant === 'plain') {
        const account = await signup(server, name);
        seconds = await pushAll(server, account, sample, clientId);
        plainAccount = account;
      } else {
        const { account, created } = await encryptedAccount(server, name);
        const seal = new RecordSeal(created.dataKey);
        const t = performance.now();
        const sealed = await sealAll(seal, sample);
        const sealing = (performance.now() - t) / 1000;
        seconds = sealing + (await pushAll(server, account, sealed, clientId));
        encrypted = { account, seal };
      }
      if (run > 0) result.pushPerSecond[variant].push(sample.length / seconds);
      log(`  run ${run} ${variant}: push ${(sample.length / seconds).toFixed(0)} changes/s`);
    }
  }
  for (let run = 0; run <= runs; run++) {
    const order = run % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const);
    for (const variant of order) {
      const account = variant === 'plain' ? plainAccount! : encrypted!.account;
      const seal = variant === 'plain' ? undefined : encrypted!.seal;
      const pulled = await pullEverything(server, account, seal);
      if (pulled.count !== sample.length) throw new Error(`pulled ${pulled.count} of ${sample.length}`);
      const downloaded = await download(server, account, seal);
      if (downloaded.count !== sample.length)
        throw new Error(`downloaded ${downloaded.count} of ${sample.length}`);
      if (run > 0) {
        result.pullPerSecond[variant].push(pulled.count / pulled.seconds);
        result.downloadSeconds[variant].push(downloaded.seconds);
      }
      log(
        `  run ${run} ${variant}: pull ${(pulled.count / pulled.seconds).toFixed(0)} changes/s, download ${downloaded.seconds.toFixed(2)} s`,
      );
    }
  }
  for (let run = 0; run <= runs; run++) {
    let t = performance.now();
    const created = await createKeyMaterial(PASSPHRASE);
    const setUp = performance.now() - t;
    t = performance.now();
    await unlockWithPassphrase(created.material, PASSPHRASE);
    const unlock = performance.now() - t;
    result.iterations = created.material.kdf.params.iterations ?? 0;
    if (run > 0) {
      result.setUpMs.push(setUp);
      result.unlockMs.push(unlock);
    }
  }
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The rows for the report: encryption on, with encryption off of the same run beside it. */
export function encryptionFigureRows(runs: EncryptionRuns): Figure[] {
  const versus = (on: number[], off: number[], better: 'higher' | 'lower', unit: string) => {
    const ratio = better === 'higher' ? median(off) / median(on) : median(on) / median(off);
    const compared = ratio >= 1 ? `${ratio.toFixed(2)}× slower` : `${(1 / ratio).toFixed(2)}× faster`;
    return `encryption off in the same run: ${summarize(off).median.toFixed(unit === 's' ? 2 : 0)} ${unit}; on is ${compared} (target ≤ 1.3× slower)`;
  };
  const sample = `${runs.changes.toLocaleString('en-US')} changes (${runs.conversations} conversations)`;
  return [
    {
      id: 'PushEnc',
      name: `Push with end-to-end encryption, sealing included (SQLite, ${sample})`,
      unit: 'changes/s',
      better: 'higher',
      chatkeep: summarize(runs.pushPerSecond.encrypted),
      note: versus(runs.pushPerSecond.encrypted, runs.pushPerSecond.plain, 'higher', 'changes/s'),
    },
    {
      id: 'PullEnc',
      name: `Pull with end-to-end encryption, every record opened and checked (SQLite, ${sample})`,
      unit: 'changes/s',
      better: 'higher',
      chatkeep: summarize(runs.pullPerSecond.encrypted),
      note: versus(runs.pullPerSecond.encrypted, runs.pullPerSecond.plain, 'higher', 'changes/s'),
    },
    {
      id: 'DownloadEnc',
      name: `Fresh-device download (conversation list, then every conversation's messages, 6 in flight) with end-to-end encryption, no IndexedDB (${sample})`,
      unit: 's',
      better: 'lower',
      chatkeep: summarize(runs.downloadSeconds.encrypted),
      note: versus(runs.downloadSeconds.encrypted, runs.downloadSeconds.plain, 'lower', 's'),
    },
    {
      id: 'KeySetUp',
      name: `Key set-up: PBKDF2-SHA256 at ${runs.iterations.toLocaleString('en-US')} iterations and two wraps (Node)`,
      unit: 'ms',
      better: 'lower',
      chatkeep: summarize(runs.setUpMs),
      note: `unlocking with the passphrase: ${summarize(runs.unlockMs).median.toFixed(0)} ms`,
    },
  ];
}
