// Loads markdown-rich.ts once, after the first paint, for the messages
// that need it, and lets every Markdown view re-render when it is there.
import { useEffect, useSyncExternalStore } from 'react';
import type { Options } from 'react-markdown';

type Plugins = NonNullable<Options['rehypePlugins']>;

let plugins: Plugins | undefined;
let loading: Promise<void> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Starts loading the rich renderer (once); resolves when its plugins are in use. */
export function loadRichMarkdown(): Promise<void> {
  loading ??= import('./markdown-rich.js').then(
    (module) => {
      plugins = module.rehypePlugins;
      for (const listener of listeners) listener();
    },
    (error: unknown) => {
      // Offline without the chunk cached: plain Markdown stays; a later message tries again.
      loading = undefined;
      console.warn('Code highlighting and math could not be loaded:', error);
    },
  );
  return loading;
}

/** The rehype plugins for highlighting and math once loaded; asks for them when `wanted`. */
export function useRichPlugins(wanted: boolean): Plugins | undefined {
  const current = useSyncExternalStore(
    subscribe,
    () => plugins,
    () => plugins,
  );
  useEffect(() => {
    if (!wanted || plugins) return;
    // After the frame that shows the plain text: the first paint never waits for these.
    const frame = requestAnimationFrame(() => {
      setTimeout(() => void loadRichMarkdown(), 0);
    });
    return () => cancelAnimationFrame(frame);
  }, [wanted]);
  return wanted ? current : undefined;
}
