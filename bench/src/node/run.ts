// `node bench/dist/node/run.js [--smoke] [--only M1,M6,...] [--json <file>] [--markdown <file>]`
// (or `--report <json> --markdown <file>` to render an earlier run again):
// runs every figure (or, with --only, the ones named: M1-M7, Append, Push, Pull, PushPg, PullPg,
// PushPg3, PullPg3, EventLatency, IdleStreams, Sync, SyncLatency, Encryption, EncryptionBrowser, SyncEnc)
// against the built packages and writes the raw JSON and, when asked,
// BENCHMARKS.md. Exits non-zero if any figure cannot be measured.
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchPageApi } from '../page/main.js';
import type { FloorVariant } from '../page/sync.js';
import {
  bigConversationIndex,
  type DatasetSpec,
  datasetStats,
  FULL_DATASET,
  generateConversation,
  SMOKE_DATASET,
} from '../shared/dataset.js';
import { sealBreakdown } from '../shared/seal-breakdown.js';
import { percentile, summarize } from '../shared/stats.js';
import {
  BACKING_STORE_CLOSED_MS,
  coldStarts,
  heapScrolled,
  type StartRuns,
  type StartTarget,
  warmBrowserStarts,
} from './app-figures.js';
import { appendFigure } from './append-figure.js';
import { launch, openBenchPage } from './browser.js';
import {
  browserEncryptionFigures,
  browserEncryptionRows,
  encryptedFreshDevice,
} from './encryption-browser-figure.js';
import { encryptionFigureRows, encryptionFigures } from './encryption-figures.js';
import type { BenchResult, Figure } from './figures.js';
import { machineInfo } from './machine.js';
import { pgClusterFigures } from './pg-cluster-figures.js';
import { createBenchDatabase } from './pg-database.js';
import { renderReport } from './report.js';
import { startServer } from './server.js';
import { type ServerRuns, serverFigures } from './server-figures.js';
import { freshDeviceFigure, freshDeviceFigures } from './sync-figure.js';
import { measureSyncLatency, syncLatencyFigures } from './sync-latency-figure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PAGE_DIR = join(ROOT, 'bench/dist/page');

const FIGURE_IDS = [
  'M1',
  'M2',
  'M3',
  'M4',
  'Append',
  'M5',
  'M6',
  'M6ChatGPT',
  'M7',
  'Push',
  'Pull',
  'PushPg',
  'PullPg',
  'PushPg3',
  'PullPg3',
  'EventLatency',
  'IdleStreams',
  'Sync',
  'SyncLatency',
  'Tree',
  'Encryption',
  'EncryptionBrowser',
  'SyncEnc',
  'SealBreakdown',
] as const;
type FigureId = (typeof FIGURE_IDS)[number];

interface Options {
  smoke: boolean;
  json: string;
  markdown?: string;
  /** Figures to measure; all when absent. */
  only?: Set<FigureId>;
  /** Raw JSON of an earlier run to render again (with today's findings) instead of measuring. */
  report?: string;
}

/** Push and pull on a server instance over a fresh PostgreSQL database. */
async function pgServerFigures(spec: DatasetSpec, runs: number): Promise<ServerRuns> {
  const database = await createBenchDatabase();
  try {
    const server = await startServer(ROOT, { databaseUrl: database.url });
    try {
      return await serverFigures(server.url, spec, runs);
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

/** The median of `a` as a share of the median of `b`, e.g. "62%". */
function ratio(a: number[], b: number[]): string {
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return `${Math.round((median(a) / median(b)) * 100)}%`;
}

function parseOnly(list: string): Set<FigureId> {
  const ids = list.split(',').map((id) => id.trim());
  const unknown = ids.filter((id) => !(FIGURE_IDS as readonly string[]).includes(id));
  if (unknown.length > 0 || ids.length === 0) {
    throw new Error(
      `--only: unknown figure ${unknown.join(', ')}; use a comma list of ${FIGURE_IDS.join(', ')}`,
    );
  }
  return new Set(ids as FigureId[]);
}

function parseArgs(argv: string[]): Options {
  const options: Options = { smoke: false, json: join(ROOT, 'bench-results/latest.json') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') options.smoke = true;
    else if (arg === '--json') options.json = resolve(argv[++i] ?? '');
    else if (arg === '--markdown') options.markdown = resolve(argv[++i] ?? '');
    else if (arg === '--only') options.only = parseOnly(argv[++i] ?? '');
    else if (arg === '--report') options.report = resolve(argv[++i] ?? '');
    else
      throw new Error(`unknown option ${arg}; use --smoke, --only <ids>, --json <file>, --markdown <file>`);
  }
  if (options.report && !options.markdown)
    throw new Error('--report <json> needs --markdown <file> to write to');
  if (options.only && options.markdown) {
    throw new Error('--markdown needs every figure; drop --only to write BENCHMARKS.md');
  }
  return options;
}

function formatMs(summary: { median: number; min: number; max: number }): string {
  const f = (ms: number) => Math.round(ms).toLocaleString('en-US');
  return `${f(summary.median)} ms (${f(summary.min)}–${f(summary.max)})`;
}

/** Median of byte counts, in KB. */
function formatKb(bytes: number[]): string {
  return `${(summarize(bytes).median / 1000).toFixed(1)} KB`;
}

function log(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

/** Where the floor page is served, next to the app, by the same static file server. */
const FLOOR_PATH = '/__bench/floor.html';

/**
 * A copy of the built UI with the floor page added, for the server to serve:
 * the floor then reaches the browser exactly as the app's page does.
 */
async function serveFloorWithApp(): Promise<string> {
  const uiDir = await mkdtemp(join(tmpdir(), 'chatkeep-bench-ui-'));
  await cp(join(ROOT, 'packages/ui/dist'), uiDir, { recursive: true });
  await mkdir(join(uiDir, dirname(FLOOR_PATH)), { recursive: true });
  for (const file of ['floor.html', 'floor.js']) {
    await copyFile(join(PAGE_DIR, file), join(uiDir, dirname(FLOOR_PATH), file));
  }
  return uiDir;
}

/** M2's rows: the app's start, with the floor's from the same runs in the note. */
function startFigure(id: string, name: string, runs: StartRuns, floorName: string): Figure {
  const app = summarize(runs.app!.ms);
  const floor = runs.floor && summarize(runs.floor.ms);
  const above = floor && Math.round(app.median - floor.median);
  const relative =
    above !== undefined &&
    `${Math.abs(above).toLocaleString('en-US')} ms ${above >= 0 ? 'above' : 'below'} it`;
  return {
    id,
    name,
    unit: 'ms',
    better: 'lower',
    target: 150,
    chatkeep: app,
    note:
      [
        floor &&
          `${floorName}, launched in turns with the app: ${formatMs(floor)}; the app's median is ${relative}`,
        runs.app!.ownViewMs?.length &&
          `the app's own view (after the snapshot it painted first): ${formatMs(summarize(runs.app!.ownViewMs))}`,
        runs.appWithoutSnapshot?.ms.length &&
          `the app started without its snapshot (removed before the page's scripts run), in turns too: ${formatMs(summarize(runs.appWithoutSnapshot.ms))}${
            runs.appWithoutSnapshot.scriptBytes?.length
              ? `, ${formatKb(runs.appWithoutSnapshot.scriptBytes)} of script fetched by then`
              : ''
          }`,
        runs.app!.scriptBytes?.length &&
          `script fetched before the first paint: app ${formatKb(runs.app!.scriptBytes)}${
            runs.floor?.scriptBytes?.length ? `, floor ${formatKb(runs.floor.scriptBytes)}` : ''
          }`,
        runs.app!.source === 'mark'
          ? undefined
          : 'measured from the DOM (the app set no chatkeep:first-message mark)',
      ]
        .filter(Boolean)
        .join('; ') || undefined,
  };
}

type Api = BenchPageApi;
declare const chatkeepBench: Api;

async function writeMarkdown(result: BenchResult, file: string): Promise<void> {
  const findings = await readFile(join(ROOT, 'bench/findings.md'), 'utf8').catch(() => '(none yet)');
  await writeFile(file, renderReport(result, findings.trim()));
  log(`wrote ${file}`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.report && options.markdown) {
    return writeMarkdown(JSON.parse(await readFile(options.report, 'utf8')) as BenchResult, options.markdown);
  }
  const started = Date.now();
  const want = (...ids: FigureId[]) => !options.only || ids.some((id) => options.only?.has(id));
  const spec = options.smoke ? SMOKE_DATASET : FULL_DATASET;
  // Smoke: one run per figure, enough to prove each can be measured.
  const runs = options.smoke ? 1 : 5;
  const quickRuns = options.smoke ? 3 : 15;
  const m4Chunks = options.smoke ? 20 : 200;
  const importConversations = options.smoke ? 10 : 100;
  const chatGptMessages = options.smoke ? 1_000 : 20_000;

  const profileDir = await mkdtemp(join(tmpdir(), 'chatkeep-bench-profile-'));
  const uiDir = await serveFloorWithApp();
  const server = await startServer(ROOT, { uiDir });
  log(`server ${server.url}, profile ${profileDir}`);
  // Interrupted: leave no server or browser behind.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void server.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log('dataset statistics');
    const dataset = datasetStats(spec);
    log(`server figures: push and pull of ${dataset.messages + dataset.conversations} changes`);
    const serverRuns = want('Push', 'Pull', 'Sync', 'SyncEnc')
      ? await serverFigures(server.url, spec, runs, want('Push', 'Pull'))
      : undefined;
    const serverMeasured = serverRuns && serverRuns.pushPerSecond.length > 0 ? serverRuns : undefined;
    if (serverRuns) log(`whole dataset pushed in ${serverRuns.fullPushSeconds.toFixed(1)} s`);
    // The same figures on PostgreSQL, one instance, in the same run.
    const pgRuns = want('PushPg', 'PullPg') ? await pgServerFigures(spec, runs) : undefined;
    if (pgRuns) log(`PostgreSQL: whole dataset pushed in ${pgRuns.fullPushSeconds.toFixed(1)} s`);
    // Several server processes on one PostgreSQL database, in the same run.
    const clusterWant = {
      throughput: want('PushPg3', 'PullPg3'),
      latency: want('EventLatency'),
      idle: want('IdleStreams'),
    };
    if (clusterWant.throughput || clusterWant.latency || clusterWant.idle) {
      log('PostgreSQL: three instances, event latency across instances, idle event streams');
    }
    const cluster =
      clusterWant.throughput || clusterWant.latency || clusterWant.idle
        ? await pgClusterFigures(ROOT, spec, runs, clusterWant, options.smoke)
        : undefined;

    if (want('Encryption'))
      log('end-to-end encryption: push, pull and download with it off and on, key set-up');
    // Three runs of each variant: six pushes of the sample and twelve full reads take long enough.
    const encryption = want('Encryption')
      ? await encryptionFigures(server.url, spec, Math.min(runs, 3), log)
      : undefined;

    const context = await launch(profileDir);
    const chromiumVersion = context.browser()?.version() ?? 'unknown';
    const machine = machineInfo(chromiumVersion);
    const page = await openBenchPage(context, server.url, PAGE_DIR);
    // Push, Pull and Sync bring their own data; every other figure reads the stored dataset.
    const needsDataset = want('M1', 'M2', 'M3', 'M4', 'Append', 'M5', 'M7');
    if (needsDataset) log('loading the dataset into Chatkeep (IndexedDB) and Dexie');
    const loaded = needsDataset ? await page.evaluate((s) => chatkeepBench.load(s), spec) : undefined;
    if (loaded) {
      log(
        `loaded ${loaded.messages} messages: Chatkeep ${Math.round(loaded.chatkeepMs)} ms, Dexie ${Math.round(loaded.dexieMs)} ms`,
      );
    }
    if (want('M1')) log('M1 latest page');
    const m1 = !want('M1') ? undefined : await page.evaluate((n) => chatkeepBench.m1LatestPage(n), quickRuns);
    if (want('M3')) log('M3 sidebar');
    const m3 = !want('M3') ? undefined : await page.evaluate((n) => chatkeepBench.m3Sidebar(n), quickRuns);
    if (want('M4')) log('M4 streaming');
    const m4 = !want('M4')
      ? undefined
      : await page.evaluate(([n, c]) => chatkeepBench.m4Streaming(n, c), [runs, m4Chunks] as const);
    if (want('Append')) log('Append one message to the long history');
    const append = !want('Append')
      ? undefined
      : await page.evaluate((n) => chatkeepBench.appendMessage(n), quickRuns);
    if (want('M5')) log('M5 search');
    const m5 = !want('M5') ? undefined : await page.evaluate((n) => chatkeepBench.m5Search(n), runs);
    // The imports write into databases of their own: they need the spec, not the stored dataset.
    if (!loaded && want('M6', 'M6ChatGPT')) await page.evaluate((s) => chatkeepBench.useSpec(s), spec);
    if (want('M6')) log('M6 import');
    const m6 = !want('M6')
      ? undefined
      : await page.evaluate(([n, c]) => chatkeepBench.m6Import(n, c), [runs, importConversations] as const);
    if (want('M6ChatGPT')) log(`M6 ChatGPT: import of a ${chatGptMessages}-message ChatGPT export`);
    const m6ChatGpt = !want('M6ChatGPT')
      ? undefined
      : await page.evaluate(([n, c]) => chatkeepBench.m6ImportChatGpt(n, c), [
          runs,
          chatGptMessages,
        ] as const);
    if (want('Tree'))
      log('Tree: a regenerated answer every 10 messages, switching versions, the schema upgrade');
    const tree = !want('Tree')
      ? undefined
      : await page.evaluate(([s, n]) => chatkeepBench.treeFigures(s, n), [spec, quickRuns] as const);
    if (tree) {
      const ms = (samples: number[]) => `${summarize(samples).median.toFixed(1)} ms median`;
      log(
        `Tree: latest page of the ${tree.messages}-message branched conversation ${ms(tree.regeneratedPage)}`,
      );
      log(`Tree: switch versions and read the first page ${ms(tree.switchToFirstPage)}`);
      log(`Tree: upgrade of ${tree.upgrade.messages} messages from schema 2: ${ms(tree.upgrade.ms)}`);
      await mkdir(join(ROOT, 'bench-results'), { recursive: true });
      await writeFile(join(ROOT, 'bench-results/tree-latest.json'), `${JSON.stringify(tree, null, 1)}\n`);
    }
    if (want('Sync')) log('fresh device sync, alternated with the write floor');
    const sync =
      !want('Sync') || !serverRuns
        ? undefined
        : await freshDeviceFigure({
            context,
            page,
            server: server.url,
            pageDir: PAGE_DIR,
            profileDir,
            token: serverRuns.account.token,
            projectId: spec.projectId,
            conversations: dataset.conversations,
            bigConversationId: generateConversation(spec, bigConversationIndex(spec)).conversation.id,
            // By hand: CHATKEEP_BENCH_SYNC_RUNS=n for fewer runs, CHATKEEP_BENCH_SYNC_STUDY=1 for the old method next to each,
            // CHATKEEP_BENCH_SYNC_WARMUP=0 to skip the warm-up sync (on a machine too busy for it).
            runs: Number(process.env.CHATKEEP_BENCH_SYNC_RUNS) || runs,
            warmUp: process.env.CHATKEEP_BENCH_SYNC_WARMUP !== '0',
            study: Boolean(process.env.CHATKEEP_BENCH_SYNC_STUDY),
            // CHATKEEP_BENCH_SYNC_FLOORS=download-order,500,... floors written other ways after each (see FloorVariant).
            extraFloors: (process.env.CHATKEEP_BENCH_SYNC_FLOORS ?? '')
              .split(',')
              .filter(Boolean) as FloorVariant[],
            log,
          });
    if (want('EncryptionBrowser')) log('end-to-end encryption in Chromium: push and pull with it off and on');
    const browserEncryption = want('EncryptionBrowser')
      ? await browserEncryptionFigures({
          context,
          page,
          server: server.url,
          profileDir,
          spec,
          runs: Math.min(runs, 3),
          log,
        })
      : undefined;
    if (want('SealBreakdown')) {
      // Alone (by hand): where sealing and opening spend their time, in Chromium and in Node.
      const chromium = await page.evaluate((s) => chatkeepBench.sealBreakdown(s), spec);
      const node = await sealBreakdown(spec);
      for (const [name, us] of Object.entries(chromium)) {
        log(`µs per record, ${name}: Chromium ${us.toFixed(1)}, Node ${node[name]?.toFixed(1) ?? '-'}`);
      }
      for (const [name, us] of Object.entries(node)) {
        if (!(name in chromium)) log(`µs per record, ${name}: Node ${us.toFixed(1)}`);
      }
    }
    if (want('SyncEnc'))
      log('fresh device with end-to-end encryption: a plaintext and an encrypted account in turns');
    const syncEnc =
      !want('SyncEnc') || !serverRuns
        ? undefined
        : await encryptedFreshDevice({
            context,
            server: server.url,
            pageDir: PAGE_DIR,
            profileDir,
            spec,
            plainToken: serverRuns.account.token,
            conversations: dataset.conversations,
            bigConversationId: generateConversation(spec, bigConversationIndex(spec)).conversation.id,
            // Each download takes minutes: one of each by default (CHATKEEP_BENCH_SYNC_ENC_RUNS=n for more).
            runs: Number(process.env.CHATKEEP_BENCH_SYNC_ENC_RUNS) || 1,
            // CHATKEEP_BENCH_SYNC_ENC_FIRST=encrypted: the encrypted account's download first.
            first: process.env.CHATKEEP_BENCH_SYNC_ENC_FIRST === 'encrypted' ? 'encrypted' : 'plain',
            log,
          });
    if (want('SyncLatency')) log('live sync latency: device A to device B');
    const latency = want('SyncLatency')
      ? await measureSyncLatency(page, options.smoke ? 10 : 100, 5)
      : undefined;
    // The app opens on the long conversation, as a reader coming back to it,
    // in a browser holding only what a Chatkeep user's would: the baselines'
    // databases share the origin's storage and would slow its opening.
    if (loaded) {
      await page.evaluate((id) => {
        const ui = { projectId: 'default', knownProjects: ['default'], activeByProject: { default: id } };
        localStorage.setItem('chatkeep-ui', JSON.stringify({ state: ui, version: 0 }));
        return chatkeepBench.dropBaselines();
      }, loaded.bigConversationId);
    }
    await context.close();

    // The app and the floor (a page with no app code that paints the same 50
    // messages) take turns, both served by the server as static files.
    const startTargets: StartTarget[] = loaded
      ? [
          {
            name: 'app',
            url: `${server.url}/`,
            mark: 'chatkeep:first-message',
            ownViewMark: 'chatkeep:app-messages',
            snapshotKey: 'chatkeep-first-paint',
          },
          {
            name: 'appWithoutSnapshot',
            url: `${server.url}/`,
            mark: 'chatkeep:first-message',
            ownViewMark: 'chatkeep:app-messages',
            snapshotKey: 'chatkeep-first-paint',
            withoutSnapshot: true,
          },
          {
            name: 'floor',
            url: `${server.url}${FLOOR_PATH}#${loaded.bigConversationId}`,
            mark: 'floor:first-message',
            bypassServiceWorker: true,
          },
        ]
      : [];
    if (want('M2')) log('M2 cold start: a freshly launched browser, app and floor in turns');
    const m2 = !want('M2') || !loaded ? undefined : await coldStarts(profileDir, startTargets, runs);
    if (want('M2')) log('M2 warm browser: a new tab in a running browser, app and floor in turns');
    const m2Warm =
      !want('M2') || !loaded ? undefined : await warmBrowserStarts(profileDir, startTargets, runs);
    if (want('M7')) log('M7 heap, scrolled through the long conversation');
    const m7 = !want('M7')
      ? undefined
      : await heapScrolled(profileDir, server.url, options.smoke ? 10_000 : 120_000);

    const p = (q: number) => (latencies: number[][]) => latencies.map((l) => percentile(l, q));
    const expectedMessages = dataset.messages;
    if (sync && sync.messages !== expectedMessages) {
      throw new Error(
        `the fresh device holds ${sync.messages} messages after sync, expected ${expectedMessages}`,
      );
    }
    const measured: (Figure | false | undefined)[] = [
      m1 && {
        id: 'M1',
        name: 'Latest 50 messages of the 10,000-message conversation',
        unit: 'ms',
        better: 'lower',
        target: 10,
        chatkeep: summarize(m1.chatkeep),
        dexie: summarize(m1.dexie),
        legacy: summarize(m1.legacy ?? []),
        note:
          m1.legacyMessages === spec.bigMessages
            ? undefined
            : `the localStorage blob held only the newest ${m1.legacyMessages} messages (quota)`,
      },
      m2 &&
        startFigure(
          'M2',
          'Cold start to first message painted (whole dataset stored)',
          m2,
          'floor (a page with no app code that opens the same database and paints the same 50 messages with one getAllRecords)',
        ),
      m2Warm &&
        startFigure(
          'M2 warm browser',
          `New tab in a running browser to first message painted (no tab of the site open for ${BACKING_STORE_CLOSED_MS / 1000} s)`,
          m2Warm,
          'floor (the same page as for M2)',
        ),
      m3 && {
        id: 'M3',
        name: `Grouped sidebar of ${dataset.conversations.toLocaleString('en-US')} conversations`,
        unit: 'ms',
        better: 'lower',
        target: 30,
        chatkeep: summarize(m3.chatkeep),
        dexie: summarize(m3.dexie),
      },
      m4 && {
        id: 'M4 p50',
        name: `Streaming, chunk to committed, p50 (${m4Chunks} chunks)`,
        unit: 'ms',
        better: 'lower',
        chatkeep: summarize(p(50)(m4.chatkeep)),
        dexie: summarize(p(50)(m4.dexie)),
        legacy: summarize(p(50)(m4.legacy)),
      },
      m4 && {
        id: 'M4 p99',
        name: 'Streaming, chunk to committed, p99',
        unit: 'ms',
        better: 'lower',
        target: 50,
        chatkeep: summarize(p(99)(m4.chatkeep)),
        dexie: summarize(p(99)(m4.dexie)),
        legacy: summarize(p(99)(m4.legacy)),
        note:
          m4.legacyMessages === spec.bigMessages
            ? `appending to a ${spec.bigMessages.toLocaleString('en-US')}-message history in every system`
            : `the localStorage blob held only ${m4.legacyMessages} messages (quota); Chatkeep and Dexie append to ${spec.bigMessages}`,
      },
      append && appendFigure(append, spec.bigMessages),
      m5 && {
        id: 'M5',
        name: `Full-text search over ${expectedMessages.toLocaleString('en-US')} messages, p50`,
        unit: 'ms',
        better: 'lower',
        target: 50,
        chatkeep: summarize(m5.runs.map((r) => percentile(r, 50))),
        note: `index built from storage in ${Math.round(m5.buildMs).toLocaleString('en-US')} ms; hits per query: ${m5.hits.join(', ')}`,
      },
      m6 && {
        id: 'M6',
        name: `Import of a Chatkeep export (${m6.messages.toLocaleString('en-US')} messages)`,
        unit: 'messages/s',
        better: 'higher',
        target: 20_000,
        chatkeep: summarize(m6.chatkeep),
        dexie: summarize(m6.dexie),
        legacy: summarize(m6.legacy),
        note: m6.legacyQuotaRuns
          ? `the localStorage blob ran out of quota before the end in ${m6.legacyQuotaRuns} runs (rate up to that point)`
          : undefined,
      },
      m6ChatGpt && {
        id: 'M6 ChatGPT',
        name: `Import of a ChatGPT export (${m6ChatGpt.messages.toLocaleString('en-US')} messages, ${m6ChatGpt.conversations} conversations)`,
        unit: 'messages/s',
        better: 'higher',
        chatkeep: summarize(m6ChatGpt.chatkeep),
        dexie: summarize(m6ChatGpt.dexie),
        note: `${(m6ChatGpt.fileBytes / 2 ** 20).toFixed(1)} MiB file; both read it with Chatkeep's reader and store the same records with the same indexes (Dexie: one transaction per conversation)`,
      },
      m7 && {
        id: 'M7',
        name: 'JS heap, 10,000-message conversation open and scrolled',
        unit: 'MB',
        better: 'lower',
        target: 150,
        chatkeep: summarize([m7.usedMB]),
        note: `${m7.allLoaded ? 'every page loaded' : 'not every page loaded before the time cap'} after ${m7.scrollSteps} scroll steps (${m7.scrollSeconds.toFixed(1)} s)`,
      },
      serverRuns &&
        want('Push') && {
          id: 'Push',
          name: 'Server push throughput (SQLite)',
          unit: 'changes/s',
          better: 'higher',
          chatkeep: summarize(serverRuns.pushPerSecond),
        },
      serverRuns &&
        want('Pull') && {
          id: 'Pull',
          name: 'Server pull throughput (SQLite)',
          unit: 'changes/s',
          better: 'higher',
          chatkeep: summarize(serverRuns.pullPerSecond),
        },
      pgRuns &&
        want('PushPg') && {
          id: 'PushPg',
          name: 'Server push throughput (PostgreSQL, one instance)',
          unit: 'changes/s',
          better: 'higher',
          chatkeep: summarize(pgRuns.pushPerSecond),
          note: serverMeasured
            ? `${ratio(pgRuns.pushPerSecond, serverMeasured.pushPerSecond)} of SQLite's`
            : undefined,
        },
      pgRuns &&
        want('PullPg') && {
          id: 'PullPg',
          name: 'Server pull throughput (PostgreSQL, one instance)',
          unit: 'changes/s',
          better: 'higher',
          chatkeep: summarize(pgRuns.pullPerSecond),
          note: serverMeasured
            ? `${ratio(pgRuns.pullPerSecond, serverMeasured.pullPerSecond)} of SQLite's`
            : undefined,
        },
      cluster?.pushPerSecond &&
        want('PushPg3') && {
          id: 'PushPg3',
          name: 'Server push throughput (PostgreSQL, three instances, three pushers at once)',
          unit: 'changes/s',
          better: 'higher',
          chatkeep: summarize(cluster.pushPerSecond),
          note: pgRuns
            ? `${ratio(cluster.pushPerSecond, pgRuns.pushPerSecond)} of one instance's`
            : undefined,
        },
      cluster?.pullPerSecond &&
        want('PullPg3') && {
          id: 'PullPg3',
          name: 'Server pull throughput (PostgreSQL, three instances, three pullers at once)',
          unit: 'changes/s',
          better: 'higher',
          chatkeep: summarize(cluster.pullPerSecond),
          note: pgRuns
            ? `${ratio(cluster.pullPerSecond, pgRuns.pullPerSecond)} of one instance's`
            : undefined,
        },
      cluster?.eventP50 && {
        id: 'EventLatency p50',
        name: `Push answer on instance A to event on B/C, p50 (${cluster.eventStreams} open streams)`,
        unit: 'ms',
        better: 'lower',
        chatkeep: summarize(cluster.eventP50),
      },
      cluster?.eventP99 && {
        id: 'EventLatency p99',
        name: 'Push answer on instance A to event on B/C, p99',
        unit: 'ms',
        better: 'lower',
        target: 250,
        chatkeep: summarize(cluster.eventP99),
        note: `${cluster.eventsPerRun} events a run; p99 from the push's sending (before its commit): ${summarize(cluster.eventSentP99!).median.toFixed(1)} ms median`,
      },
      cluster?.idle && {
        id: 'IdleStreams',
        name: `Server RSS with ${cluster.idle.streams.toLocaleString('en-US')} idle event streams (PostgreSQL)`,
        unit: 'MB',
        better: 'lower',
        target: 100,
        chatkeep: summarize([cluster.idle.rssMB]),
        note: `${(cluster.idle.rssMB - cluster.idle.idleRssMB).toFixed(1)} MB above the same process with no stream open (${cluster.idle.idleRssMB.toFixed(1)} MB before they opened, ${cluster.idle.startRssMB.toFixed(1)} MB just after start; the users signed up through another instance)`,
      },
      ...(sync ? freshDeviceFigures(sync) : []),
      ...(encryption ? encryptionFigureRows(encryption) : []),
      ...browserEncryptionRows(browserEncryption, syncEnc),
    ];
    const figures = [...measured, ...(latency ? syncLatencyFigures(latency) : [])].filter((f): f is Figure =>
      Boolean(f),
    );
    const result: BenchResult = {
      scale: options.smoke ? 'smoke' : 'full',
      date: new Date().toISOString(),
      durationSeconds: (Date.now() - started) / 1000,
      machine,
      spec,
      dataset,
      figures,
      details: {
        load: loaded,
        m3Groups: m3?.groups,
        m4Chunks,
        m4AnswerBytes: m4?.answerBytes,
        append: append && {
          historyMessages: append.historyMessages,
          legacyBySize: append.legacy.map((l) => ({ messages: l.messages, ...summarize(l.runs) })),
        },
        m5: m5 && { buildMs: m5.buildMs, queries: m5.queries, hits: m5.hits, runs: m5.runs },
        m6: m6 && { messages: m6.messages, conversations: m6.conversations, fileBytes: m6.fileBytes },
        m2Floor: m2?.floor?.ms,
        m2WarmFloor: m2Warm?.floor?.ms,
        // Every start target's runs: the app's own view and script bytes, and the app without its snapshot.
        m2Starts: m2,
        m2WarmStarts: m2Warm,
        m7,
        serverChanges: serverRuns?.changes,
        pushSample: serverRuns?.pushSample,
        fullPushSeconds: serverRuns?.fullPushSeconds,
        cluster,
        sync: sync && {
          seconds: sync.seconds,
          floorSeconds: sync.floorSeconds,
          sidebarMs: sync.sidebarMs,
          opens: sync.opens,
          longTasks: sync.longTasks,
          steps: sync.steps,
        },
        syncLatency: latency,
        encryption,
        browserEncryption,
        syncEnc,
      },
    };
    await mkdir(dirname(options.json), { recursive: true });
    await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${options.json}`);
    if (options.markdown) await writeMarkdown(result, options.markdown);
    for (const f of figures) log(`${f.id.padEnd(7)} ${f.chatkeep.median.toFixed(2)} ${f.unit}`);
  } finally {
    await server.stop();
    await rm(uiDir, { recursive: true, force: true });
    // CHATKEEP_BENCH_KEEP_PROFILE=1 keeps the browser profile (the stored dataset) for profiling by hand.
    if (process.env.CHATKEEP_BENCH_KEEP_PROFILE) log(`kept the profile ${profileDir}`);
    else await rm(profileDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
