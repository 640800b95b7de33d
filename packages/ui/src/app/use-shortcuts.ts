import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  newChat(): void;
  search(): void;
  /** Esc in the search box: clears it, or leaves it when already empty. */
  closeSearch(): void;
  stop(): void;
  help(): void;
}

/** The conversation search box (the sidebar's type="search" input). */
function isSearchBox(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement && target.type === 'search';
}

function inDialog(target: EventTarget | null): boolean {
  return (
    (target instanceof Element && target.closest('dialog') !== null) ||
    document.querySelector('dialog[open]') !== null
  );
}

/** App-wide keys; Enter and Shift+Enter belong to the message box. */
export function useShortcuts(handlers: ShortcutHandlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && e.shiftKey && key === 'o') {
        e.preventDefault();
        ref.current.newChat();
      } else if (mod && !e.shiftKey && key === 'k') {
        e.preventDefault();
        ref.current.search();
      } else if (mod && key === '/') {
        e.preventDefault();
        ref.current.help();
      } else if (e.key === 'Escape' && !e.defaultPrevented) {
        // Esc belongs to whatever holds focus first: a dialog closes itself, the
        // search box clears. Only elsewhere does it stop the answer being written.
        if (inDialog(e.target)) return;
        if (isSearchBox(e.target)) {
          e.preventDefault();
          ref.current.closeSearch();
          return;
        }
        ref.current.stop();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
