// Dialogs load their code the first time they open: none of it is needed to
// paint the open conversation, so it stays out of the code parsed at start.
import { type ComponentType, useEffect, useRef, useState } from 'react';

/** Loads a dialog's module and picks the component; pass a module-level function. */
export type DialogLoader<P> = () => Promise<ComponentType<P>>;

const loaded = new Map<unknown, unknown>();

/**
 * The dialog component once `wanted` has first held (undefined until its code
 * has loaded); render it from then on, open or closed as its props say. If
 * the code cannot load (offline before it was cached, say), `onFailed` runs
 * so that the caller can mark the dialog closed and a second attempt retries.
 */
export function useLazyDialog<P>(
  load: DialogLoader<P>,
  wanted: boolean,
  onFailed: () => void,
): ComponentType<P> | undefined {
  const [dialog, setDialog] = useState(() => loaded.get(load) as ComponentType<P> | undefined);
  const failed = useRef(onFailed);
  failed.current = onFailed;
  useEffect(() => {
    if (!wanted || dialog) return;
    let live = true;
    load().then(
      (component) => {
        loaded.set(load, component);
        if (live) setDialog(() => component);
      },
      (error: unknown) => {
        console.error('Chatkeep could not load this dialog:', error);
        if (live) failed.current();
      },
    );
    return () => {
      live = false;
    };
  }, [load, wanted, dialog]);
  return dialog;
}
