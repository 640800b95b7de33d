// A page may be frozen or closed right after it is hidden, without another
// chance to run: what a stream has buffered must be saved then. The library
// never reaches for `window` itself; the embedding app passes its page.

/** What is listened to: a `window` fits as it is. */
export interface PageHideSource {
  addEventListener(type: 'pagehide', listener: () => void): void;
  removeEventListener(type: 'pagehide', listener: () => void): void;
  /** When given, its `visibilitychange` to `hidden` counts too (mobile browsers often skip `pagehide`). */
  document?: {
    readonly visibilityState: string;
    addEventListener(type: 'visibilitychange', listener: () => void): void;
    removeEventListener(type: 'visibilitychange', listener: () => void): void;
  };
}

/** Calls `onHide` each time the page is hidden; returns the function that stops listening. */
export function onPageHide(page: PageHideSource, onHide: () => void): () => void {
  const { document } = page;
  const onVisibility = () => {
    if (document?.visibilityState === 'hidden') onHide();
  };
  page.addEventListener('pagehide', onHide);
  document?.addEventListener('visibilitychange', onVisibility);
  return () => {
    page.removeEventListener('pagehide', onHide);
    document?.removeEventListener('visibilitychange', onVisibility);
  };
}
