// The bench page: exposes every browser figure on `window.chatkeepBench`
// for the Playwright driver (bench/src/node) to call with page.evaluate.
import * as storage from '@chatkeep/storage';
import { sealBreakdown } from '../shared/seal-breakdown.js';
import { appendMessage } from './append.js';
import { closeContext, dropBaselines, openContext } from './context.js';
import { encryptedSyncStep } from './encrypted-sync.js';
import { m6ImportChatGpt } from './import-chatgpt.js';
import { load } from './load.js';
import { m1LatestPage, m3Sidebar } from './reads.js';
import { m5Search } from './search.js';
import { deleteDatabases, freshDeviceStep } from './sync.js';
import { syncLatency } from './sync-latency.js';
import { treeFigures } from './tree.js';
import { m4Streaming, m6Import } from './writes.js';

const api = {
  load,
  m1LatestPage,
  m3Sidebar,
  m4Streaming,
  appendMessage,
  m5Search,
  m6Import,
  m6ImportChatGpt,
  /** The spec of the figures without the stored dataset (the imports write into databases of their own). */
  useSpec: async (spec: Parameters<typeof openContext>[0]) => {
    await openContext(spec);
  },
  freshDeviceStep,
  encryptedSyncStep,
  sealBreakdown,
  syncLatency,
  treeFigures,
  deleteDatabases,
  closeContext,
  dropBaselines,
};

export type BenchPageApi = typeof api;

(globalThis as unknown as { chatkeepBench: BenchPageApi }).chatkeepBench = api;
// The whole storage package too, for profiling a figure by hand from DevTools.
(globalThis as unknown as { chatkeepStorage: typeof storage }).chatkeepStorage = storage;
document.title = 'Chatkeep bench ready';
