// The server reads the wire protocol from @chatkeep/storage/protocol alone:
// that entry must not drag in the storage engine (IndexedDB, search, sync).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const storageSrc = resolve(root, '../storage/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The modules a file loads at run time: `import type` and `export type` lines load nothing. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(
    /^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gms,
  )) {
    found.push((m[1] ?? m[2])!);
  }
  return found;
}

describe('the server and the protocol entry', () => {
  it('no server module imports the whole storage package', () => {
    const offenders = sourceFiles(join(root, 'src')).filter((file) =>
      runtimeImports(file).includes('@chatkeep/storage'),
    );
    expect(offenders).toEqual([]);
  });

  it('@chatkeep/storage/protocol loads only zod, uuid and a few small storage modules', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of runtimeImports(file)) {
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else packages.add(spec);
      }
    };
    visit(join(storageSrc, 'sync/protocol.ts'));
    expect([...packages].sort()).toEqual(['uuid', 'zod']);
    const modules = [...seen].map((f) => f.slice(storageSrc.length + 1)).sort();
    expect(modules).toEqual([
      'errors.ts',
      'hlc.ts',
      'ids.ts',
      'schema.ts',
      'sync/protocol.ts',
      // The record schema's tag limits (tag rules alone: no adapter, no IndexedDB).
      'tags/tags.ts',
      'zod-config.ts',
    ]);
  });
});
