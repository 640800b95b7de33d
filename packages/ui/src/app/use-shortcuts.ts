import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  newChat(): void;
  search(): void;
  stop(): void;
  help(): void;
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
      } else if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]')) {
        ref.current.stop();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
