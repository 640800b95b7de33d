// End-to-end encryption's cost where the app runs: the real sync engine with
// the IndexedDB adapter in Chromium, against the real server.
// - EncryptionBrowser: push and pull throughput of a sample (the same 20,000
//   changes as the Node figures), encryption off and on taking turns run by
//   run, who goes first alternating (bench/src/page/encrypted-sync.ts);
// - SyncEnc: the fresh-device download of the whole dataset
//   (bench/src/page/sync.ts), a plaintext account and an encrypted one, each
//   in an origin of its own, taking turns.
import { type RecordChange, RecordSeal } from '@chatkeep/storage';
import type { createKeyMaterial, KeyMaterial } from '@chatkeep/storage/crypto';
import type { BrowserContext, Page } from 'playwright-core';
import type { EncryptedSyncAccount, EncryptedSyncStep } from '../page/encrypted-sync.js';
import type { BenchPageApi } from '../page/main.js';
import type { SyncStep } from '../page/sync.js';
import { type DatasetSpec, datasetStats } from '../shared/dataset.js';
import { type SealBreakdown, sealBreakdown } from '../shared/seal-breakdown.js';
import { summarize } from '../shared/stats.js';
import { openBenchPage } from './browser.js';
import { encryptedAccount, PASSPHRASE } from './encryption-figures.js';
import type { Figure } from './figures.js';
import { type LoadDuring, withLoad } from './machine-load.js';
import { datasetChanges, pushAll, signup, type WireChange } from './server-figures.js';

declare const chatkeepBench: BenchPageApi;

/** The same sample as the Node figures (encryption-figures.ts). */
const SAMPLE = 20_000;

/** A new account; with `encrypted`, keys set up and plaintext refused (encryptedAccount). */
export async function benchAccount(
  server: string,
  name: string,
  encrypted: boolean,
): Promise<EncryptedSyncAccount & { created?: Awaited<ReturnType<typeof createKeyMaterial>> }> {
  if (!encrypted) return signup(server, name);
  const { account, created } = await encryptedAccount(server, name);
  const keys: { material: KeyMaterial; passphrase: string } = {
    material: created.material,
    passphrase: PASSPHRASE,
  };
  return { ...account, keys, created };
}

const plainAccount = (a: EncryptedSyncAccount): EncryptedSyncAccount => ({
  token: a.token,
  userId: a.userId,
  ...(a.keys && { keys: a.keys }),
});

export interface BrowserEncryptionRuns {
  changes: number;
  pushPerSecond: { plain: number[]; encrypted: number[] };
  pullPerSecond: { plain: number[]; encrypted: number[] };
  /** Every step in order, warm-up (run 0) included. */
  steps: (EncryptedSyncStep & { run: number; load: LoadDuring })[];
  /** Microseconds per record of sealing, opening and their parts, in Chromium and in Node. */
  breakdown: { chromium: SealBreakdown; node: SealBreakdown };
}

export async function browserEncryptionFigures(o: {
  context: BrowserContext;
  page: Page;
  server: string;
  profileDir: string;
  spec: DatasetSpec;
  runs: number;
  log: (line: string) => void;
}): Promise<BrowserEncryptionRuns> {
  const changes = Math.min(SAMPLE, datasetStats(o.spec).messages + datasetStats(o.spec).conversations);
  const result: BrowserEncryptionRuns = {
    changes,
    pushPerSecond: { plain: [], encrypted: [] },
    pullPerSecond: { plain: [], encrypted: [] },
    steps: [],
    breakdown: { chromium: {}, node: {} },
  };
  for (let run = 0; run <= o.runs; run++) {
    const order = run % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const);
    for (const variant of order) {
      const account = plainAccount(
        await benchAccount(
          o.server,
          `bench-e2ee-browser-${variant}-${Date.now()}-${run}`,
          variant !== 'plain',
        ),
      );
      for (const kind of ['push', 'pull'] as const) {
        const [step, load] = await withLoad(o.profileDir, () =>
          o.page.evaluate(([k, a, s, n, db]) => chatkeepBench.encryptedSyncStep(k, a, s, n, db), [
            kind,
            account,
            o.spec,
            changes,
            `bench-e2ee-${kind}-${variant}`,
          ] as const),
        );
        result.steps.push({ ...step, run, load });
        if (run > 0) result[`${kind}PerSecond`][variant].push(changes / step.seconds);
        o.log(
          `  run ${run}${run === 0 ? ' (warm-up)' : ''} ${variant} ${kind}: ${(changes / step.seconds).toFixed(0)} changes/s (${step.seconds.toFixed(2)} s, adapter ${step.adapterSeconds.toFixed(2)} s); browser CPU ${load.browserCpuSeconds} s, others ${load.otherCpuSeconds} s`,
        );
      }
    }
  }
  result.breakdown.chromium = await o.page.evaluate((s) => chatkeepBench.sealBreakdown(s), o.spec);
  result.breakdown.node = await sealBreakdown(o.spec);
  for (const [name, us] of Object.entries(result.breakdown.chromium)) {
    o.log(
      `  µs per record, ${name}: Chromium ${us.toFixed(1)}, Node ${result.breakdown.node[name]?.toFixed(1)}`,
    );
  }
  return result;
}

export interface EncryptedFreshDeviceRuns {
  /** In order of the runs; each a sync step of sync.ts. */
  steps: (SyncStep & { encrypted: boolean; load: LoadDuring })[];
  seconds: { plain: number[]; encrypted: number[] };
  sealSeconds: number;
  pushSeconds: number;
}

/**
 * The whole dataset sealed as the engine seals it and pushed to an encrypted
 * account; then fresh devices download it from the plaintext account
 * (`plainToken`, the one the Sync figure uses) and from the encrypted one, in turns.
 */
export async function encryptedFreshDevice(o: {
  context: BrowserContext;
  server: string;
  pageDir: string;
  profileDir: string;
  spec: DatasetSpec;
  plainToken: string;
  conversations: number;
  bigConversationId: string;
  runs: number;
  /** Which account's download comes first in the first run (then they alternate). */
  first?: 'plain' | 'encrypted';
  log: (line: string) => void;
}): Promise<EncryptedFreshDeviceRuns> {
  const clientId = 'bench-e2ee-fresh';
  const encrypted = await benchAccount(o.server, `bench-e2ee-fresh-${Date.now()}`, true);
  const seal = new RecordSeal(encrypted.created!.dataKey);
  let t = performance.now();
  const sealed = (await seal.sealAll(
    datasetChanges(o.spec, clientId) as unknown as RecordChange[],
  )) as unknown as WireChange[];
  const sealSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const pushSeconds = await pushAll(o.server, encrypted, sealed, clientId);
  o.log(
    `  ${sealed.length} changes sealed in ${sealSeconds.toFixed(1)} s, pushed in ${pushSeconds.toFixed(1)} s`,
  );
  const result: EncryptedFreshDeviceRuns = {
    steps: [],
    seconds: { plain: [], encrypted: [] },
    sealSeconds,
    pushSeconds,
  };
  const dataset = { conversations: o.conversations, bigConversationId: o.bigConversationId };
  const url = new URL(o.server);
  let n = 0;
  const origins: string[] = [];
  const shift = o.first === 'encrypted' ? 1 : 0;
  for (let run = 0; run < o.runs; run++) {
    const order =
      (run + shift) % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const);
    for (const variant of order) {
      // An origin of its own: empty storage, as a new device has (see sync-figure.ts).
      const origin = `${url.protocol}//enc-dev-${++n}.localhost:${url.port}`;
      origins.push(origin);
      const page = await openBenchPage(o.context, origin, o.pageDir);
      const account = variant === 'plain' ? undefined : plainAccount(encrypted);
      const token = account?.token ?? o.plainToken;
      const [step, load] = await withLoad(o.profileDir, () =>
        page.evaluate(
          ([tk, projectId, data, a]) =>
            chatkeepBench.freshDeviceStep('sync', tk, projectId, 'chatkeep', [], data, { account: a }),
          [token, o.spec.projectId, dataset, account] as const,
        ),
      );
      await page.close();
      result.steps.push({ ...step, encrypted: variant !== 'plain', load });
      result.seconds[variant].push(step.seconds);
      o.log(
        `  fresh device ${variant}: ${step.seconds.toFixed(1)} s, ${step.messages} messages (apply ${step.applySeconds.toFixed(1)} s, fetch ${step.fetchSeconds.toFixed(1)} s, sidebar ${Math.round(step.sidebarMs ?? 0)} ms); browser CPU ${load.browserCpuSeconds} s, others ${load.otherCpuSeconds} s`,
      );
      if (step.messages !== result.steps[0]!.messages) {
        throw new Error(
          `${variant} device holds ${step.messages} messages, the first ${result.steps[0]!.messages}`,
        );
      }
    }
  }
  for (const origin of origins) {
    const page = await openBenchPage(o.context, origin, o.pageDir);
    await page.evaluate(() => chatkeepBench.deleteDatabases(['chatkeep']));
    await page.close();
  }
  return result;
}

const median = (xs: number[]) => summarize(xs).median;

function versus(on: number[], off: number[], better: 'higher' | 'lower', unit: string): string {
  const ratio = better === 'higher' ? median(off) / median(on) : median(on) / median(off);
  const compared = ratio >= 1 ? `${ratio.toFixed(2)}× slower` : `${(1 / ratio).toFixed(2)}× faster`;
  const digits = unit === 's' ? 1 : 0;
  return `encryption off in the same run: ${median(off).toFixed(digits)} ${unit} (${Math.min(...off).toFixed(digits)}–${Math.max(...off).toFixed(digits)}); on is ${compared} (target ≤ 1.3× slower)`;
}

export function browserEncryptionRows(
  runs: BrowserEncryptionRuns | undefined,
  fresh: EncryptedFreshDeviceRuns | undefined,
): Figure[] {
  const rows: Figure[] = [];
  if (runs) {
    const sample = `${runs.changes.toLocaleString('en-US')} changes`;
    rows.push(
      {
        id: 'PushEnc browser',
        name: `Push with end-to-end encryption: the sync engine in Chromium, IndexedDB to the server until nothing is pending (${sample})`,
        unit: 'changes/s',
        better: 'higher',
        chatkeep: summarize(runs.pushPerSecond.encrypted),
        note: versus(runs.pushPerSecond.encrypted, runs.pushPerSecond.plain, 'higher', 'changes/s'),
      },
      {
        id: 'PullEnc browser',
        name: `Pull with end-to-end encryption: the sync engine in Chromium, server to IndexedDB until synced (${sample})`,
        unit: 'changes/s',
        better: 'higher',
        chatkeep: summarize(runs.pullPerSecond.encrypted),
        note: versus(runs.pullPerSecond.encrypted, runs.pullPerSecond.plain, 'higher', 'changes/s'),
      },
    );
  }
  if (fresh) {
    rows.push({
      id: 'SyncEnc',
      name: 'Fresh device with end-to-end encryption: the whole history downloaded in Chromium (Sync backfill)',
      unit: 's',
      better: 'lower',
      chatkeep: summarize(fresh.seconds.encrypted),
      note: versus(fresh.seconds.encrypted, fresh.seconds.plain, 'lower', 's'),
    });
  }
  return rows;
}
