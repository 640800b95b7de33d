import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

// The bench page, built with @chatkeep/storage from its TypeScript sources.
// `base` matches the path the driver serves it under on the app's origin.
export default defineConfig({
  root: fileURLToPath(new URL('./src/page', import.meta.url)),
  base: '/__bench/',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist/page', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    chunkSizeWarningLimit: 4000,
    // The driver's page and the cold-start floor page (M2).
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./src/page/index.html', import.meta.url)),
        floor: fileURLToPath(new URL('./src/page/floor.html', import.meta.url)),
      },
    },
  },
  logLevel: 'warn',
});
