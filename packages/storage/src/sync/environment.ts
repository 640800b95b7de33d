// What the engine needs to know about the page it runs in: is the network
// up, is the page visible, and when do those change. Injectable for tests
// and for hosts that are not a browser page.

export interface SyncEnvironment {
  /** False only when the host is sure there is no network (navigator.onLine). */
  isOnline(): boolean;
  isVisible(): boolean;
  /** Subscribes to the network coming back or the page becoming visible; returns an unsubscribe. */
  on(event: 'online' | 'visible', listener: () => void): () => void;
}

type EventHost = {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
};

/** The browser's window and document when there are any; otherwise always online and visible. */
export function defaultEnvironment(): SyncEnvironment {
  const g = globalThis as {
    navigator?: { onLine?: boolean };
    document?: EventHost & { visibilityState?: string };
    window?: EventHost;
  };
  return {
    isOnline: () => g.navigator?.onLine !== false,
    isVisible: () => (g.document?.visibilityState ?? 'visible') === 'visible',
    on(event, listener) {
      const host = event === 'online' ? g.window : g.document;
      if (!host) return () => {};
      const type = event === 'online' ? 'online' : 'visibilitychange';
      const handler =
        event === 'online'
          ? listener
          : () => {
              if (g.document?.visibilityState === 'visible') listener();
            };
      host.addEventListener(type, handler);
      return () => host.removeEventListener(type, handler);
    },
  };
}
