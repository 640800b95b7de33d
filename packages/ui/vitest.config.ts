import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Unit and component tests in Node with happy-dom and fake-indexeddb.
// End-to-end tests (e2e/) run in real Chromium through playwright.config.ts.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source'] },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    exclude: ['e2e/**', '**/node_modules/**', '**/dist/**'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 20_000,
    // Every core: the default leaves one idle, which on a 2-core CI machine is half of it.
    maxWorkers: '100%',
  },
});
