import { defineConfig } from 'vitest/config';

// Node tests: fake-indexeddb and an in-memory Storage. Browser tests
// (*.browser.test.ts) run in real Chromium through vitest.browser.config.ts.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', '**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    // Every core: the default leaves one idle, which on a 2-core CI machine is half of it.
    maxWorkers: '100%',
  },
});
