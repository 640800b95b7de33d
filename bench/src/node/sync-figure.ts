// The fresh-device figures: the real sync alternated with the write floor
// (sync, floor, sync, floor...), each in storage no earlier step touched.
// Each sync also times the sidebar, conversations opened mid-download and
// the page's long tasks (bench/src/page/sync.ts).
//
// Each step runs in its own origin (dev-<n>.localhost, which Chromium sends
// to loopback): Chromium keeps one LevelDB per origin, so a step starts from
// empty storage as a new device does, and no earlier step's database is
// deleted under it. Deleting the previous run's 54 MB database on the same
// origin right before the next run made that run pay the deletion's
// compaction (CHATKEEP_BENCH_SYNC_STUDY=1 measures that old way next to each step).
// The databases are deleted after the last step.
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { BrowserContext, Page } from 'playwright-core';
import type { BenchPageApi } from '../page/main.js';
import type { FloorVariant, OpenedConversation, SyncStep } from '../page/sync.js';
import { summarize } from '../shared/stats.js';
import { openBenchPage } from './browser.js';
import type { Figure } from './figures.js';
import { type LoadDuring, withLoad } from './machine-load.js';

declare const chatkeepBench: BenchPageApi;

export type MeasuredStep = SyncStep & {
  /** How the step's storage was made fresh. */
  plan: 'own-origin' | 'deleted-just-before';
  load: LoadDuring;
};

export interface FreshDeviceRuns {
  /** Seconds from engine start to `synced` with the history downloaded, per measured run, in order. */
  seconds: number[];
  /** Per run: engine start to the whole conversation list read and painted, ms. */
  sidebarMs: number[];
  /** Per run: the conversations opened mid-download. */
  opens: OpenedConversation[][];
  /** Per run: long tasks (over 50 ms) of the page during the sync, ms. */
  longTasks: number[][];
  /** Seconds of the write floor, per run, in order (one after each sync). */
  floorSeconds: number[];
  /** Every step in order, warm-up included (marked by `warmUp`). */
  steps: (MeasuredStep & { warmUp: boolean; profiled: boolean; deletedFirst: string[] })[];
  messages: number;
  conversations: number;
}

interface Options {
  context: BrowserContext;
  /** The bench page on the server's own origin. */
  page: Page;
  server: string;
  pageDir: string;
  profileDir: string;
  token: string;
  projectId: string;
  /** Conversations in the dataset (the sidebar is complete with all of them), and the 10,000-message one. */
  conversations: number;
  bigConversationId: string;
  runs: number;
  /** One uncounted sync first (server caches, the page's JIT); default true. */
  warmUp?: boolean;
  /** Also run sync/floor pairs the old way first: one origin, the previous database deleted just before. */
  study: boolean;
  /** Floors written another way after each counted floor, not counted (see FloorVariant). */
  extraFloors?: FloorVariant[];
  log: (message: string) => void;
}

function originFor(server: string, n: number): string {
  const url = new URL(server);
  return `${url.protocol}//dev-${n}.localhost:${url.port}`;
}

export async function freshDeviceFigure(o: Options): Promise<FreshDeviceRuns> {
  const result: FreshDeviceRuns = {
    seconds: [],
    sidebarMs: [],
    opens: [],
    longTasks: [],
    floorSeconds: [],
    steps: [],
    messages: 0,
    conversations: 0,
  };
  const dataset = { conversations: o.conversations, bigConversationId: o.bigConversationId };
  let profiled = false;
  const measure = async (
    page: Page,
    kind: 'sync' | 'floor',
    dbName: string,
    plan: MeasuredStep['plan'],
    warmUp: boolean,
    deleteFirst: string[] = [],
    floor: { variant: FloorVariant; order?: string[] } = { variant: 'version' },
  ) => {
    // CHATKEEP_BENCH_SYNC_PROFILE=<file>: a CPU profile of the page during one sync (by hand only);
    // with the study on, of a study step, so that no counted run carries the profiler.
    const profile =
      kind === 'sync' &&
      !warmUp &&
      !profiled &&
      (plan === 'deleted-just-before' || !o.study) &&
      process.env.CHATKEEP_BENCH_SYNC_PROFILE;
    const cdp = profile ? await o.context.newCDPSession(page) : undefined;
    if (cdp) {
      profiled = true;
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
      await cdp.send('Profiler.start');
    }
    const [step, load] = await withLoad(o.profileDir, () =>
      page.evaluate(
        ([k, token, projectId, db, del, data, how, recordOrder]) =>
          chatkeepBench.freshDeviceStep(k, token, projectId, db, del, data, { floor: how, recordOrder }),
        [kind, o.token, o.projectId, dbName, deleteFirst, dataset, floor, keepOrder] as const,
      ),
    );
    // The write order is for a later floor, not for the results.
    const { order, ...kept } = step;
    if (cdp && profile) {
      const { profile: cpu } = await cdp.send('Profiler.stop');
      await writeFile(profile, JSON.stringify(cpu));
      await cdp.detach();
      o.log(`CPU profile of that sync in ${profile}`);
    }
    const seen =
      step.kind === 'sync'
        ? `; sidebar ${Math.round(step.sidebarMs ?? 0)} ms, opened ${(step.opens ?? []).map((x) => `${x.messages} messages at ${Math.round(x.at * 100)}% in ${Math.round(x.ms)} ms`).join(', ')}; long tasks ${JSON.stringify((step.longTasks ?? []).map(Math.round))}`
        : '';
    o.log(
      `${plan} ${kind}${step.variant && step.variant !== 'version' ? ` (${step.variant})` : ''}${warmUp ? ' (warm-up)' : ''}: ${step.seconds.toFixed(1)} s${seen} (apply ${step.applySeconds.toFixed(1)} s, fetch ${step.fetchSeconds.toFixed(1)} s); browser CPU ${JSON.stringify(load.browserCpuByType)}, others ${load.otherCpuSeconds} s, iowait ${load.iowaitShare}, disk ${load.diskWrittenMB} MB (browser ${load.browserWrittenMB} MB); requests ${JSON.stringify(step.requests)}`,
    );
    result.steps.push({ ...kept, plan, load, warmUp, profiled: Boolean(cdp), deletedFirst: deleteFirst });
    return step;
  };

  // A sync's write order is kept only for a floor written in it.
  const keepOrder = o.extraFloors?.includes('download-order') ?? false;
  let n = 0;
  const fresh = () => openBenchPage(o.context, originFor(o.server, ++n), o.pageDir);
  const ownOrigin = async (
    kind: 'sync' | 'floor',
    warmUp: boolean,
    floor?: { variant: FloorVariant; order?: string[] },
  ) => {
    const page = await fresh();
    const step = await measure(page, kind, 'chatkeep', 'own-origin', warmUp, [], floor);
    await page.close();
    return step;
  };
  // The old method, measured next to each step when studied: one origin, the
  // previous old-method database deleted right before the step starts.
  let studied: string | undefined;
  const study = async (kind: 'sync' | 'floor', run: number) => {
    if (!o.study) return;
    const dbName = `bench-${kind}-${run}`;
    await measure(o.page, kind, dbName, 'deleted-just-before', false, studied ? [studied] : []);
    studied = dbName;
  };
  // One warm-up sync (server caches, the page's JIT), not counted.
  for (let run = o.warmUp === false ? 1 : 0; run <= o.runs; run++) {
    const synced = await ownOrigin('sync', run === 0);
    result.messages = synced.messages;
    result.conversations = synced.conversations;
    if (run === 0) continue;
    result.seconds.push(synced.seconds);
    result.sidebarMs.push(synced.sidebarMs ?? Number.NaN);
    result.opens.push(synced.opens ?? []);
    result.longTasks.push(synced.longTasks ?? []);
    await study('sync', run);
    const floor = await ownOrigin('floor', false);
    if (floor.messages !== synced.messages) {
      throw new Error(`the floor wrote ${floor.messages} messages, the sync ${synced.messages}`);
    }
    result.floorSeconds.push(floor.seconds);
    await study('floor', run);
    for (const variant of o.extraFloors ?? []) {
      await ownOrigin('floor', false, { variant, order: synced.order });
    }
  }
  if (studied) await o.page.evaluate((names) => chatkeepBench.deleteDatabases(names), [studied]);
  // After the figure: the steps' databases go, so later figures see a clean profile.
  for (let origin = 1; origin <= n; origin++) {
    const page = await openBenchPage(o.context, originFor(o.server, origin), o.pageDir);
    await page.evaluate(() => chatkeepBench.deleteDatabases(['chatkeep']));
    await page.close();
  }
  return result;
}

/** The Sync row's note: the floor next to the figure, and the CPU time that the machine's other load does not change. */
export function freshDeviceNote(runs: FreshDeviceRuns): string {
  const s = (x: number) => x.toFixed(1);
  const floor = summarize(runs.floorSeconds);
  const counted = (kind: 'sync' | 'floor') =>
    runs.steps.filter(
      (step) =>
        step.kind === kind &&
        step.plan === 'own-origin' &&
        !step.warmUp &&
        (step.variant ?? 'version') === 'version',
    );
  const cpu = (kind: 'sync' | 'floor') =>
    summarize(counted(kind).map((step) => step.load.browserCpuSeconds)).median;
  // Cores the rest of the machine kept busy during each counted sync.
  const others = counted('sync').map((step) => step.load.otherCpuSeconds / step.seconds);
  const [least, most] = [s(Math.min(...others)), s(Math.max(...others))];
  return (
    `floor: the same records and sync entries written with plain IndexedDB puts, 1,000 per transaction, nothing read or checked, take ${s(floor.median)} s (${s(floor.min)}–${s(floor.max)}), runs alternated with the sync's; ` +
    `CPU time of Chromium's processes per run (the machine's other load hardly changes it): sync ${Math.round(cpu('sync'))} s, floor ${Math.round(cpu('floor'))} s; ` +
    `other processes kept ${least === most ? least : `${least}–${most}`} of the ${cpus().length} cores busy during the sync runs`
  );
}

/**
 * The four fresh-device figures of one run: the sidebar, a conversation
 * opened mid-download, the whole download against the write floor, and the
 * main thread's long tasks meanwhile.
 */
export function freshDeviceFigures(runs: FreshDeviceRuns): Figure[] {
  const opens = runs.opens.flat();
  const ratios = runs.seconds.map((seconds, i) => seconds / runs.floorSeconds[i]!);
  const over200 = runs.longTasks.map((tasks) => tasks.filter((ms) => ms > 200).length);
  const longest = Math.max(0, ...runs.longTasks.flat());
  const sync = summarize(runs.seconds);
  const big = opens.filter((x) => x.big);
  const normal = opens.filter((x) => !x.big);
  const ms = (list: OpenedConversation[]) =>
    list.length === 0
      ? 'none'
      : `${Math.round(summarize(list.map((x) => x.ms)).median)} ms median (${list.length})`;
  return [
    {
      id: 'Sync sidebar',
      name: `Fresh device: sign-in to the sidebar of ${runs.conversations.toLocaleString('en-US')} conversations`,
      unit: 'ms',
      better: 'lower',
      target: 2000,
      chatkeep: summarize(runs.sidebarMs),
    },
    // A small dataset (the smoke run) can finish its download before a conversation is left to open.
    ...(opens.length === 0
      ? []
      : ([
          {
            id: 'Sync open',
            name: 'Fresh device: a conversation opened mid-download to its latest page shown',
            unit: 'ms',
            better: 'lower',
            target: 1000,
            chatkeep: summarize(opens.map((x) => x.ms)),
            note: `opened at 25%, 50% and 75% of the download, each the conversation the download would have reached last (at 50% the 10,000-message one while still queued); conversations of about 100 messages: ${ms(normal)}, slowest ${Math.round(Math.max(0, ...normal.map((x) => x.ms)))} ms; the 10,000-message one: ${ms(big)}`,
          },
        ] satisfies Figure[])),
    {
      id: 'Sync backfill',
      name: `Fresh device: the whole history (${runs.messages.toLocaleString('en-US')} messages) against the IndexedDB write floor`,
      unit: '× floor',
      better: 'lower',
      target: 1.25,
      chatkeep: summarize(ratios),
      note: `sync to the end of the download ${sync.median.toFixed(1)} s (${sync.min.toFixed(1)}–${sync.max.toFixed(1)}); ${freshDeviceNote(runs)}`,
    },
    {
      id: 'Sync long tasks',
      name: 'Fresh device: main-thread tasks over 200 ms during the download',
      unit: 'tasks',
      better: 'lower',
      target: 0,
      chatkeep: summarize(over200),
      note: `longest task ${Math.round(longest)} ms; tasks over 50 ms per run: ${runs.longTasks.map((t) => t.length).join(', ')}`,
    },
  ];
}
