import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

/** Where the build lists its files for the service worker (public/sw.js). */
const SHELL_FILES = 'shell-files.json';

/**
 * Lists every file the built app may load, the chunks it imports on demand
 * included, so that the service worker caches them all and a dialog first
 * opened offline still loads.
 */
function shellFiles(): Plugin {
  return {
    name: 'chatkeep-shell-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((file) => !file.endsWith('.map') && file !== 'index.html')
        .map((file) => `/${file}`)
        .sort();
      this.emitFile({ type: 'asset', fileName: SHELL_FILES, source: `${JSON.stringify(files, null, 1)}\n` });
    },
  };
}

// `source` makes @chatkeep/storage resolve to its TypeScript sources, so the
// app builds without building the storage package first.
export default defineConfig({
  plugins: [react(), shellFiles()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: { port: 5173 },
});
