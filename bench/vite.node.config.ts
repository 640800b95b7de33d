import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The Node driver (bench/src/node/run.ts) as one ES module for `node`.
// Dependencies stay external: @chatkeep/storage resolves to its built dist.
export default defineConfig({
  build: {
    ssr: fileURLToPath(new URL('./src/node/run.ts', import.meta.url)),
    outDir: fileURLToPath(new URL('./dist/node', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'node20',
  },
  logLevel: 'warn',
});
