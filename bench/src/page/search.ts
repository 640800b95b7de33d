// M5: full-text search over every message, with Chatkeep's search index.
import { createSearchIndex } from '@chatkeep/storage';
import { searchQueries } from '../shared/dataset.js';
import { context, pause } from './context.js';

export interface SearchRuns {
  /** Time for a new index to catch up with the whole database (no saved snapshot). */
  buildMs: number;
  /** Per run, each query's latency in ms. */
  runs: number[][];
  queries: string[];
  /** Hits per query in the last run (a query that finds nothing measures nothing). */
  hits: number[];
}

export async function m5Search(runs: number): Promise<SearchRuns> {
  const { chatkeep, spec } = context();
  const queries = searchQueries();
  const t = performance.now();
  const index = createSearchIndex(chatkeep);
  await index.ready;
  const buildMs = performance.now() - t;
  const result: SearchRuns = { buildMs, runs: [], queries, hits: [] };
  try {
    for (let run = -1; run < runs; run++) {
      const times: number[] = [];
      const hits: number[] = [];
      for (const query of queries) {
        await pause(5);
        const start = performance.now();
        const found = await index.search(spec.projectId, query, { limit: 20 });
        times.push(performance.now() - start);
        hits.push(found.length);
      }
      if (run >= 0) result.runs.push(times);
      result.hits = hits;
    }
  } finally {
    await index.close();
  }
  return result;
}
