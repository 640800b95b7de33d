import { defineConfig } from 'vitest/config';

// Node tests: fake-indexeddb and an in-memory Storage. Browser tests
// (*.browser.test.ts) run in real Chromium through vitest.browser.config.ts.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', '**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
  },
});
