import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build, defaultClientConditions, defineConfig, type Plugin, type Rollup } from 'vite';

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
    // Last: after Vite drops the chunks that held only stylesheets, and after the prepaint script is added.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const files = Object.keys(bundle)
          // Pages are fetched from the network first; the share page is never cached (public/sw.js).
          .filter((file) => !file.endsWith('.map') && !file.endsWith('.html'))
          .map((file) => `/${file}`)
          .sort();
        this.emitFile({
          type: 'asset',
          fileName: SHELL_FILES,
          source: `${JSON.stringify(files, null, 1)}\n`,
        });
      },
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

/** The first-paint script (src/first-paint/prepaint.ts) as a classic script, served at this path in `vite dev`. */
const PREPAINT_DEV_PATH = '/@chatkeep/prepaint.js';

/**
 * Builds src/first-paint/prepaint.ts into a classic script file of its own
 * (hashed, under assets/) and loads it from index.html's body, where it runs
 * before the app's module entry. A file, not an inline script: the server's
 * CSP allows inline scripts only by hash, and this one changes with the code.
 */
function prepaintScript(): Plugin {
  const entry = fileURLToPath(new URL('./src/first-paint/prepaint.ts', import.meta.url));
  const compile = async () => {
    const result = await build({
      configFile: false,
      publicDir: false,
      logLevel: 'warn',
      build: {
        write: false,
        minify: true,
        sourcemap: false,
        lib: { entry, formats: ['iife'], name: 'chatkeepPrepaintScript' },
      },
    });
    const output = (Array.isArray(result) ? result[0] : result) as Rollup.RollupOutput;
    const chunk = output.output.find((file) => file.type === 'chunk');
    if (!chunk) throw new Error('prepaint.ts built to no script');
    return chunk.code;
  };
  const tag = (src: string) => ({ tag: 'script', attrs: { src }, injectTo: 'body' as const });
  let fileName: string | undefined;
  return {
    name: 'chatkeep-prepaint',
    async generateBundle() {
      const ref = this.emitFile({ type: 'asset', name: 'prepaint.js', source: await compile() });
      fileName = this.getFileName(ref);
    },
    configureServer(server) {
      // In `vite dev` the stylesheets come with the modules, after this script: a snapshot would paint
      // unstyled, so dev paints none (the built app, as the e2e tests run it, does).
      server.middlewares.use((req, res, next) => {
        if (req.url !== PREPAINT_DEV_PATH) return next();
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.end('window.chatkeepPrepaint = Promise.resolve(false);\n');
      });
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (!ctx.filename.endsWith('index.html')) return undefined;
        if (ctx.server) return [tag(PREPAINT_DEV_PATH)];
        if (!fileName) throw new Error('the prepaint script was not built before index.html');
        return [tag(`/${fileName}`)];
      },
    },
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
  plugins: [react(), shellFiles(), sharePage(), prepaintScript()],
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
