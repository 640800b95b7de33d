import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../tools/chromium.js';

// End-to-end tests run against the BUILT app (`pnpm --filter @chatkeep/ui build`),
// served by the sync server when it is built (as in production), else by `vite preview`.
const port = Number(process.env.CHATKEEP_E2E_PORT ?? 4317);
const baseURL = `http://127.0.0.1:${port}`;
const syncServer = '../sync-server/dist/main.js';
const dataDir = mkdtempSync(join(tmpdir(), 'chatkeep-e2e-'));

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  retries: 0,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumArgs,
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: existsSync(syncServer)
    ? {
        command: `node ${syncServer}`,
        url: `${baseURL}/v1/health`,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          CHATKEEP_DATA_DIR: dataDir,
          CHATKEEP_SIGNUP: 'open',
          // Every test signs up from 127.0.0.1; the default is 10 an hour per address.
          CHATKEEP_SIGNUPS_PER_HOUR: '100000',
          // A refused oversize record is then a 300 KB paste, not a 4 MB one that takes a minute to send.
          CHATKEEP_MAX_RECORD_BYTES: String(256 * 1024),
        },
        reuseExistingServer: false,
        timeout: 30_000,
      }
    : {
        command: `pnpm exec vite preview --port ${port} --strictPort --host 127.0.0.1`,
        url: baseURL,
        reuseExistingServer: false,
        timeout: 30_000,
      },
});
