import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

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
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
