import { createRequire } from 'node:module';
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

/**
 * rehype-katex turns KaTeX's HTML into a syntax tree. Its browser build does
 * that with the page's own HTML parser, and the style attributes of KaTeX's
 * output then count as inline styles that the CSP (style-src-attr) refuses;
 * the default build parses with parse5, in plain JavaScript, and React sets
 * the styles. So the app takes the default build.
 */
const fromHtmlWithoutDom = createRequire(createRequire(import.meta.url).resolve('rehype-katex')).resolve(
  'hast-util-from-html-isomorphic',
);

/** Fonts (KaTeX's) stay files of their own: the CSP's font-src 'self' refuses data: URLs. */
const inlineUnlessFont = (file: string) => (/\.(woff2?|ttf|otf|eot)$/i.test(file) ? false : undefined);

// `source` makes @chatkeep/storage resolve to its TypeScript sources, so the
// app builds without building the storage package first.
export default defineConfig({
  plugins: [react(), shellFiles(), sharePage()],
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    alias: [{ find: /^hast-util-from-html-isomorphic$/, replacement: fromHtmlWithoutDom }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    assetsInlineLimit: inlineUnlessFont,
    // The share page is an entry of its own: it loads none of the app.
    rollupOptions: { input: { main: 'index.html', share: 'share.html' } },
  },
  server: { port: 5173 },
});
