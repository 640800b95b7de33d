// Serves the built UI: files from uiDir, share.html for share links
// (/s/<id>: a page of its own that loads none of the app), index.html for
// any other GET path (SPA routes), long caching for hashed /assets, no
// caching for the pages.
// When the UI has not been built, `/` explains how to build it. index.html
// carries the CSP that allows its own inline scripts by hash.
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { appCsp, inlineScriptHashes } from './middleware/security-headers.js';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chatkeep</title></head>
<body><h1>Chatkeep</h1>
<p>The sync server is running, but the app has not been built yet.</p>
<p>Run <code>pnpm -r build</code> in the Chatkeep checkout (or set <code>CHATKEEP_UI_DIR</code> to a built UI) and reload.</p>
</body></html>
`;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The file under root that a URL path names, or undefined if it leaves root. */
function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = normalize(join(root, decoded));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : undefined;
}

export function staticUi(uiDir: string) {
  const root = normalize(uiDir);
  const indexPath = join(root, 'index.html');
  const sharePath = join(root, 'share.html');

  /** A page with the CSP that allows its own inline scripts; undefined when it is not built. */
  const page = async (c: Context, file: string, extra: Record<string, string> = {}) => {
    if (!(await isFile(file))) return undefined;
    const html = await readFile(file, 'utf8');
    return c.body(html, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      // Read with the page: a rebuilt app's inline script is allowed without a restart.
      'Content-Security-Policy': appCsp(inlineScriptHashes(html)),
      ...extra,
    });
  };

  return async (c: Context): Promise<Response> => {
    const path = c.req.path;
    const file = path === '/' ? undefined : resolveInside(root, path);
    // The pages are answered below with their CSP.
    if (file && file !== indexPath && file !== sharePath && (await isFile(file))) {
      const hashed = path.startsWith('/assets/');
      return c.body(await readFile(file), 200, {
        'Content-Type': getMimeType(file) ?? 'application/octet-stream',
        'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    if (path.startsWith('/assets/')) {
      // A missing hashed asset is a real 404, not an SPA route.
      return c.text('Not found', 404, { 'Cache-Control': 'no-cache' });
    }
    if (path.startsWith('/s/') || file === sharePath) {
      const shared = await page(c, sharePath, { 'X-Robots-Tag': 'noindex' });
      if (shared) return shared;
    }
    return (await page(c, indexPath)) ?? c.html(NOT_BUILT, 200, { 'Cache-Control': 'no-cache' });
  };
}
