// The fresh-device figure: the real sync alternated with the write floor
// (sync, floor, sync, floor...), each in storage no earlier step touched.
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
import type { SyncStep } from '../page/sync.js';
import { summarize } from '../shared/stats.js';
import { openBenchPage } from './browser.js';
import { type LoadDuring, withLoad } from './machine-load.js';

declare const chatkeepBench: BenchPageApi;

export type MeasuredStep = SyncStep & {
  /** How the step's storage was made fresh. */
  plan: 'own-origin' | 'deleted-just-before';
  load: LoadDuring;
};

export interface FreshDeviceRuns {
  /** Seconds from engine start to `synced`, per measured run, in order. */
  seconds: number[];
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
  runs: number;
  /** Also run sync/floor pairs the old way first: one origin, the previous database deleted just before. */
  study: boolean;
  log: (message: string) => void;
}

function originFor(server: string, n: number): string {
  const url = new URL(server);
  return `${url.protocol}//dev-${n}.localhost:${url.port}`;
}

export async function freshDeviceFigure(o: Options): Promise<FreshDeviceRuns> {
  const result: FreshDeviceRuns = { seconds: [], floorSeconds: [], steps: [], messages: 0, conversations: 0 };
  let profiled = false;
  const measure = async (
    page: Page,
    kind: 'sync' | 'floor',
    dbName: string,
    plan: MeasuredStep['plan'],
    warmUp: boolean,
    deleteFirst: string[] = [],
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
        ([k, token, projectId, db, del]) => chatkeepBench.freshDeviceStep(k, token, projectId, db, del),
        [kind, o.token, o.projectId, dbName, deleteFirst] as const,
      ),
    );
    if (cdp && profile) {
      const { profile: cpu } = await cdp.send('Profiler.stop');
      await writeFile(profile, JSON.stringify(cpu));
      await cdp.detach();
      o.log(`CPU profile of that sync in ${profile}`);
    }
    o.log(
      `${plan} ${kind}${warmUp ? ' (warm-up)' : ''}: ${step.seconds.toFixed(1)} s (apply ${step.applySeconds.toFixed(1)} s, fetch ${step.fetchSeconds.toFixed(1)} s); browser CPU ${JSON.stringify(load.browserCpuByType)}, others ${load.otherCpuSeconds} s, iowait ${load.iowaitShare}, disk ${load.diskWrittenMB} MB (browser ${load.browserWrittenMB} MB); requests ${JSON.stringify(step.requests)}`,
    );
    result.steps.push({ ...step, plan, load, warmUp, profiled: Boolean(cdp), deletedFirst: deleteFirst });
    return step;
  };

  let n = 0;
  const fresh = () => openBenchPage(o.context, originFor(o.server, ++n), o.pageDir);
  const ownOrigin = async (kind: 'sync' | 'floor', warmUp: boolean) => {
    const page = await fresh();
    const step = await measure(page, kind, 'chatkeep', 'own-origin', warmUp);
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
  for (let run = 0; run <= o.runs; run++) {
    const synced = await ownOrigin('sync', run === 0);
    result.messages = synced.messages;
    result.conversations = synced.conversations;
    if (run === 0) continue;
    result.seconds.push(synced.seconds);
    await study('sync', run);
    const floor = await ownOrigin('floor', false);
    if (floor.messages !== synced.messages) {
      throw new Error(`the floor wrote ${floor.messages} messages, the sync ${synced.messages}`);
    }
    result.floorSeconds.push(floor.seconds);
    await study('floor', run);
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
    runs.steps.filter((step) => step.kind === kind && step.plan === 'own-origin' && !step.warmUp);
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
