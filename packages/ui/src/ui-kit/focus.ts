// Keyboard focus helpers shared by dialogs, menus and the phone drawer: focus
// goes back to the control that opened them, and a modal drawer keeps Tab
// inside itself.
import { type RefObject, useEffect, useSyncExternalStore } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements of `root` that Tab can reach, in order. */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/**
 * Focuses `opener` again when focus was lost (to the page) or is still inside
 * `within` (a closing dialog, menu or drawer); never when the user has moved on
 * to something else, nor when the opener is gone.
 */
export function returnFocus(opener: Element | null, within?: Element | null): void {
  if (!(opener instanceof HTMLElement) || !opener.isConnected) return;
  const active = document.activeElement;
  const lost = active === null || active === document.body || !active.isConnected;
  if (lost || (within?.contains(active) ?? false)) opener.focus();
}

/** Whether a CSS media query matches, following changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      if (typeof matchMedia !== 'function') return () => {};
      const list = matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => typeof matchMedia === 'function' && matchMedia(query).matches,
  );
}

/** The width below which the sidebar is a drawer over the chat (as in styles.css). */
export const PHONE_LAYOUT = '(max-width: 760px)';

/**
 * While `active` (the phone drawer is open): focus moves into `ref` unless it
 * is there already, Tab and Shift+Tab cycle inside it, Esc calls `onClose`
 * (except in a search box that still holds text: Esc clears that first), and
 * on closing focus returns to what opened it.
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>, active: boolean, onClose: () => void): void {
  useEffect(() => {
    const root = ref.current;
    if (!active || !root) return;
    const opener = document.activeElement;
    if (!root.contains(opener)) focusables(root)[0]?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return; // a dialog above handles its own keys
      if (e.key === 'Escape' && !e.defaultPrevented) {
        const t = e.target;
        if (t instanceof HTMLInputElement && t.type === 'search' && t.value !== '') return;
        e.preventDefault();
        onClose();
      } else if (e.key === 'Tab') {
        const items = focusables(root);
        const first = items[0];
        const last = items[items.length - 1];
        if (!first || !last) return;
        const at = document.activeElement;
        if (e.shiftKey && (at === first || !root.contains(at))) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && (at === last || !root.contains(at))) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (!root.contains(opener)) returnFocus(opener, root);
    };
  }, [ref, active, onClose]);
}
