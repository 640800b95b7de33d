// Push and pull throughput of two builds of the sync server in one run, for
// a change's before/after figures: `node bench/dist/compare/compare-server.js
// <before-root> [<after-root>]` (roots of built checkouts; after defaults to
// this one). Build it with
// `pnpm --filter @chatkeep/bench exec vite build -c vite.node.config.ts --ssr src/node/compare-server.ts --outDir dist/compare`.
// Runs alternate between the two servers so that machine load hits both
// alike; prints the median, lowest and highest of each as JSON.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FULL_DATASET } from '../shared/dataset.js';
import { summarize } from '../shared/stats.js';
import { startServer } from './server.js';
import { datasetChanges, pullAll, pushAll, signup } from './server-figures.js';

const RUNS = 5;
const PUSH_SAMPLE = 20_000;

async function main() {
  const [beforeArg, afterArg] = process.argv.slice(2);
  if (!beforeArg) throw new Error('usage: compare-server.js <before-root> [<after-root>]');
  const roots = {
    before: resolve(beforeArg),
    after: resolve(afterArg ?? fileURLToPath(new URL('../../..', import.meta.url))),
  };
  const servers = {
    before: await startServer(roots.before),
    after: await startServer(roots.after),
  };
  try {
    const clientId = 'bench-node';
    const changes = datasetChanges(FULL_DATASET, clientId);
    const sample = changes.slice(0, PUSH_SAMPLE);
    const push: Record<'before' | 'after', number[]> = { before: [], after: [] };
    const pull: Record<'before' | 'after', number[]> = { before: [], after: [] };
    const full: Record<'before' | 'after', Awaited<ReturnType<typeof signup>> | undefined> = {
      before: undefined,
      after: undefined,
    };
    for (const side of ['before', 'after'] as const) {
      full[side] = await signup(servers[side].url, `compare-${Date.now()}-full`);
      await pushAll(servers[side].url, full[side]!, changes, clientId);
    }
    // Run 0 warms each server up and is not counted.
    for (let run = 0; run <= RUNS; run++) {
      for (const side of run % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
        const url = servers[side].url;
        const account = await signup(url, `compare-${Date.now()}-${side}-${run}`);
        const pushSeconds = await pushAll(url, account, sample, clientId);
        const pulled = await pullAll(url, full[side]!);
        if (pulled.changes !== changes.length)
          throw new Error(`${side}: pulled ${pulled.changes} of ${changes.length}`);
        if (run === 0) continue;
        push[side].push(sample.length / pushSeconds);
        pull[side].push(pulled.changes / pulled.seconds);
        console.error(
          `run ${run} ${side}: push ${Math.round(sample.length / pushSeconds)}/s, pull ${Math.round(pulled.changes / pulled.seconds)}/s`,
        );
      }
    }
    console.log(
      JSON.stringify(
        {
          roots,
          pushedPerRun: sample.length,
          pulledPerRun: changes.length,
          runs: RUNS,
          pushPerSecond: { before: summarize(push.before), after: summarize(push.after) },
          pullPerSecond: { before: summarize(pull.before), after: summarize(pull.after) },
        },
        null,
        2,
      ),
    );
  } finally {
    await Promise.all([servers.before.stop(), servers.after.stop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
