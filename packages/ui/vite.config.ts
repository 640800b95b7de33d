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
        // Pages are fetched from the network first; the share page is never cached (public/sw.js).
        .filter((file) => !file.endsWith('.map') && !file.endsWith('.html'))
        .map((file) => `/${file}`)
        .sort();
      this.emitFile({ type: 'asset', fileName: SHELL_FILES, source: `${JSON.stringify(files, null, 1)}\n` });
    },
  };
}

/**
 * `/s/<id>` is the share page (share.html), as the sync server serves it
 * (packages/sync-server/src/static.ts), in `vite dev` and `vite preview` too.
 */
function sharePage(): Plugin {
  const rewrite = (req: { url?: string }, _res: unknown, next: () => void) => {
    if (req.url?.startsWith('/s/')) req.url = '/share.html';
    next();
  };
  return {
    name: 'chatkeep-share-page',
    configureServer: (server) => void server.middlewares.use(rewrite),
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
}

// `source` makes @chatkeep/storage resolve to its TypeScript sources, so the
// app builds without building the storage package first.
export default defineConfig({
  plugins: [react(), shellFiles(), sharePage()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    // The share page is an entry of its own: it loads none of the app.
    rollupOptions: { input: { main: 'index.html', share: 'share.html' } },
  },
  server: { port: 5173 },
});
