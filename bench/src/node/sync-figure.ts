// The fresh-device figure: the real sync alternated with the write floor
// (sync, floor, sync, floor...), each in storage no earlier step touched.
//
// Each step runs in its own origin (dev-<n>.localhost, which Chromium sends
// to loopback): Chromium keeps one LevelDB per origin, so a step starts from
// empty storage as a new device does, and no earlier step's database is
// deleted under it. Deleting the previous run's 54 MB database on the same
// origin right before the next run made that run pay the deletion's
// compaction (the "study" plan below measures it, CHATKEEP_BENCH_SYNC_STUDY=1).
// The databases are deleted after the last step.
import type { BrowserContext, Page } from 'playwright-core';
import type { BenchPageApi } from '../page/main.js';
import type { SyncStep } from '../page/sync.js';
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
  steps: (MeasuredStep & { warmUp: boolean })[];
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
  const measure = async (
    page: Page,
    kind: 'sync' | 'floor',
    dbName: string,
    plan: MeasuredStep['plan'],
    warmUp: boolean,
  ) => {
    const [step, load] = await withLoad(o.profileDir, () =>
      page.evaluate(
        ([k, token, projectId, db, del]) => chatkeepBench.freshDeviceStep(k, token, projectId, db, del),
        [kind, o.token, o.projectId, dbName, plan === 'deleted-just-before'] as const,
      ),
    );
    o.log(
      `${plan} ${kind}${warmUp ? ' (warm-up)' : ''}: ${step.seconds.toFixed(1)} s (apply ${step.applySeconds.toFixed(1)} s, fetch ${step.fetchSeconds.toFixed(1)} s); browser CPU ${load.browserCpuSeconds} s, others ${load.otherCpuSeconds} s, iowait ${load.iowaitShare}, disk ${load.diskWrittenMB} MB`,
    );
    result.steps.push({ ...step, plan, load, warmUp });
    return step;
  };

  if (o.study) {
    // The old method, for comparison: one origin, each database deleted as soon as measured.
    for (let run = 0; run < o.runs; run++) {
      await measure(o.page, 'sync', `bench-device-${run}`, 'deleted-just-before', false);
      await measure(o.page, 'floor', `bench-floor-${run}`, 'deleted-just-before', false);
    }
  }

  let n = 0;
  const fresh = () => openBenchPage(o.context, originFor(o.server, ++n), o.pageDir);
  // One warm-up sync (server caches, the page's JIT), not counted.
  for (let run = 0; run <= o.runs; run++) {
    const syncPage = await fresh();
    const synced = await measure(syncPage, 'sync', 'chatkeep', 'own-origin', run === 0);
    await syncPage.close();
    result.messages = synced.messages;
    result.conversations = synced.conversations;
    if (run === 0) continue;
    result.seconds.push(synced.seconds);
    const floorPage = await fresh();
    const floor = await measure(floorPage, 'floor', 'chatkeep', 'own-origin', false);
    await floorPage.close();
    if (floor.messages !== synced.messages) {
      throw new Error(`the floor wrote ${floor.messages} messages, the sync ${synced.messages}`);
    }
    result.floorSeconds.push(floor.seconds);
  }
  // After the figure: the steps' databases go, so later figures see a clean profile.
  for (let origin = 1; origin <= n; origin++) {
    const page = await openBenchPage(o.context, originFor(o.server, origin), o.pageDir);
    await page.evaluate(() => chatkeepBench.deleteDatabases(['chatkeep']));
    await page.close();
  }
  return result;
}
