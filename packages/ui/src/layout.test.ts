// @vitest-environment node
// Imports run downward: a folder of src/ may import its own files and the
// folders of lower layers, never a higher layer nor a folder beside it in its
// own layer. Entry files (the scripts index.html and share.html load, and the
// ones vite.config.ts builds on their own) and tests (*.test.*) put layers
// together and are exempt from the order, not from the stylesheet rule: no
// file imports another feature's CSS.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Top first. Each entry is one layer; the folders in a layer do not import each other. */
const LAYERS: string[][] = [
  // Entries: the app's main.tsx (and the global styles.css), and the share page, which loads none of the app.
  ['', 'share-page'],
  // The shell: boot, layout, banners, shortcuts, URL sync, services started after the first paint.
  ['app'],
  // Screens the shell opens beside the chat: the settings dialog and the conversation sidebar.
  ['settings', 'sidebar'],
  // Projects: the switcher, project dialogs and drop targets the sidebar shows.
  ['projects'],
  // The chat screen: message list, composer, Markdown, the chat controller and its pure logic.
  ['chat'],
  // Features the screens embed: export/import, share links, tags, token usage, the first-paint snapshot.
  ['export-import', 'share', 'tags', 'usage', 'first-paint'],
  // Sync: its status, settings, dialogs and the runtime every feature above asks about sync.
  ['sync'],
  // Search: results, filters, the search index and "jump to a message".
  ['search'],
  // Shared state: storage, queries and their invalidation, the UI store, online state, boot, first paint.
  ['data'],
  // Assistants (demo, OpenAI-compatible) and the settings that choose one.
  ['assistants'],
  // The kit: dialog, focus helpers, lazy dialogs, small inputs; imports nothing of the app.
  ['ui-kit'],
];

/** Stylesheets any file may import: the global one and the kit's. */
const SHARED_CSS = ['', 'ui-kit'];

const SRC = join(import.meta.dirname);
const PACKAGE = join(SRC, '..');

/** Files under src/ that a page or the build loads directly, e.g. `main.tsx`. */
function entryFiles(): Set<string> {
  const entries = new Set<string>();
  for (const name of ['index.html', 'share.html', 'vite.config.ts']) {
    let text: string;
    try {
      text = readFileSync(join(PACKAGE, name), 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/["'](?:\/|\.\/)src\/([^"'?#]+)["']/g)) entries.add(m[1] ?? '');
  }
  return entries;
}

const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bvi\.(?:mock|doMock|importActual)\s*\(\s*|\bnew\s+URL\s*\(\s*|@import\s+(?:url\(\s*)?)(['"`])(\.{1,2}\/[^'"`\n]*)\1/g;

/** `chat` for `chat/ChatView.tsx`, '' for `main.tsx`. */
function folderOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

/** Every rule broken by these files (paths relative to src/, with their text). */
function layoutViolations(files: Map<string, string>, entries = new Set<string>()): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    const from = folderOf(file);
    const exempt = /\.test\.[cm]?[jt]sx?$/.test(file) || entries.has(file);
    if (layerOf(from) < 0) {
      found.push(`${file}: folder '${from}/' has no layer; add it to LAYERS in src/layout.test.ts`);
      continue;
    }
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[2] ?? '';
      const target = posix.normalize(posix.join(posix.dirname(file), spec.replace(/[?#].*/, '')));
      if (target.startsWith('../')) continue; // outside src/ (test helpers, other packages)
      const to = folderOf(target);
      if (to === from) continue;
      if (target.endsWith('.css')) {
        if (!SHARED_CSS.includes(to)) {
          found.push(`${file}: imports '${spec}', a stylesheet of '${to}/'; a feature's CSS is its own`);
        }
        continue;
      }
      if (exempt) continue;
      const a = layerOf(from);
      const b = layerOf(to);
      const here = `${from || 'src'}/`;
      if (b < 0) found.push(`${file}: imports '${spec}' from '${to}/', a folder with no layer`);
      else if (b < a) found.push(`${file}: imports '${spec}', upward ('${to}/' is above '${here}')`);
      else if (b === a) found.push(`${file}: imports '${spec}', sideways ('${to}/' is beside '${here}')`);
    }
  }
  return found;
}

function sourceFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(tsx?|css)$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(SRC, path).split('\\').join('/'), readFileSync(path, 'utf8'));
  }
  return files;
}

describe('UI folder layout', () => {
  it('every import in src/ runs downward and no file imports another feature’s CSS', () => {
    const files = sourceFiles(SRC);
    const entries = entryFiles();
    expect(files.size).toBeGreaterThan(100);
    expect(entries.size).toBeGreaterThanOrEqual(2); // the app's and the share page's
    for (const entry of entries) expect(files.has(entry), `${entry} (an entry) is in src/`).toBe(true);
    expect(layoutViolations(files, entries)).toEqual([]);
  });

  it('names the file and the import that break the order', () => {
    // Built from parts, so that tools that follow imports do not take these for real ones.
    const from = (spec: string) => `import { x } from '${spec}';\n`;
    const sideEffect = (spec: string) => `import '${spec}';\n`;
    const lazy = (spec: string) => `const load = () => import('${spec}');\n`;
    const files = new Map([
      ['ui-kit/Dialog.tsx', from('../data/ui-store.js')],
      ['sync/SyncStatus.tsx', sideEffect('./sync.css') + from('../chat/outbox.js')],
      ['settings/StorageSection.tsx', sideEffect('../sync/sync.css')],
      ['share/ShareDialog.tsx', lazy('../tags/TagsDialog.js')],
      ['chat/ChatView.test.tsx', from('../app/App.js')],
      ['chat/entry.ts', sideEffect('../main.js') + sideEffect('../sync/sync.css')],
      ['widgets/Thing.tsx', ''],
    ]);
    expect(layoutViolations(files, new Set(['chat/entry.ts']))).toEqual([
      "ui-kit/Dialog.tsx: imports '../data/ui-store.js', upward ('data/' is above 'ui-kit/')",
      "sync/SyncStatus.tsx: imports '../chat/outbox.js', upward ('chat/' is above 'sync/')",
      "settings/StorageSection.tsx: imports '../sync/sync.css', a stylesheet of 'sync/'; a feature's CSS is its own",
      "share/ShareDialog.tsx: imports '../tags/TagsDialog.js', sideways ('tags/' is beside 'share/')",
      "chat/entry.ts: imports '../sync/sync.css', a stylesheet of 'sync/'; a feature's CSS is its own",
      "widgets/Thing.tsx: folder 'widgets/' has no layer; add it to LAYERS in src/layout.test.ts",
    ]);
  });
});
