// The device-to-device latency figures (issue 16): p50 and p95 over the
// counted changes of one run of bench/src/page/sync-latency.ts.
import type { Page } from 'playwright-core';
import type { BenchPageApi } from '../page/main.js';
import type { SyncLatencyRun } from '../page/sync-latency.js';
import { percentile, summarize } from '../shared/stats.js';
import type { Figure } from './figures.js';

declare const chatkeepBench: BenchPageApi;

export function measureSyncLatency(page: Page, changes: number, warmUp: number): Promise<SyncLatencyRun> {
  return page.evaluate(([n, w]) => chatkeepBench.syncLatency(n, w), [changes, warmUp] as const);
}

export function syncLatencyFigures(run: SyncLatencyRun): Figure[] {
  const p95 = percentile(run.samples, 95);
  const requests = (r: Record<string, number>) =>
    Object.entries(r)
      .filter(([, n]) => n > 0)
      .map(([path, n]) => `${path.replace('/v1/sync/', '')} ${n}`)
      .join(', ');
  const note = `${run.samples.length} finished messages, one at a time with 50–150 ms between them, after ${run.warmUp} not counted; p95 ${p95.toFixed(0)} ms, max ${Math.max(...run.samples).toFixed(0)} ms; requests during them: A ${requests(run.requests.a)}; B ${requests(run.requests.b)}`;
  return [
    {
      id: 'SyncLatency',
      name: 'Live sync: finished message on device A committed on device B (p50)',
      unit: 'ms',
      better: 'lower',
      target: 500,
      chatkeep: summarize(run.samples),
      note,
    },
    {
      id: 'SyncLatencyP95',
      name: 'Live sync: finished message on device A committed on device B (p95)',
      unit: 'ms',
      better: 'lower',
      target: 1500,
      chatkeep: summarize([p95]),
    },
  ];
}
