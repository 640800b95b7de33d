import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // Every core: the default leaves one idle, which on a 2-core CI machine is half of it.
    maxWorkers: '100%',
    hookTimeout: 60_000,
  },
});
