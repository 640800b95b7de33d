import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath } from '../../tools/chromium.js';

// The same contract suite, against real IndexedDB in real Chromium.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: chromiumPath,
          args: chromiumArgs,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
