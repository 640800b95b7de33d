// Per-conversation memory of the view, kept across reloads: the unsent
// draft and the scroll position. UI state, not history, so localStorage.

type KV = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface ScrollMemory {
  /** The message at the top of the view and how far the view is scrolled past its top. */
  anchorId?: string;
  offset: number;
  atBottom: boolean;
}

/** Drafts of a chat not yet saved have no id: they are kept per project. */
export const draftKey = (conversationId: string | null, projectId: string) =>
  conversationId ?? `new:${projectId}`;

export function createViewMemory(kv: KV) {
  const safe = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch {
      // Storage disabled or full: the view memory is a convenience, never a failure.
      return fallback;
    }
  };
  return {
    getDraft: (key: string) => safe(() => kv.getItem(`chatkeep-draft:${key}`) ?? '', ''),
    setDraft: (key: string, text: string) =>
      safe(() => {
        if (text) kv.setItem(`chatkeep-draft:${key}`, text);
        else kv.removeItem(`chatkeep-draft:${key}`);
      }, undefined),
    getScroll: (conversationId: string): ScrollMemory | undefined =>
      safe(() => {
        const raw = kv.getItem(`chatkeep-scroll:${conversationId}`);
        return raw ? (JSON.parse(raw) as ScrollMemory) : undefined;
      }, undefined),
    setScroll: (conversationId: string, memory: ScrollMemory) =>
      safe(() => kv.setItem(`chatkeep-scroll:${conversationId}`, JSON.stringify(memory)), undefined),
    forget: (conversationId: string) =>
      safe(() => {
        kv.removeItem(`chatkeep-draft:${conversationId}`);
        kv.removeItem(`chatkeep-scroll:${conversationId}`);
      }, undefined),
  };
}

export type ViewMemory = ReturnType<typeof createViewMemory>;

let shared: ViewMemory | undefined;
export function viewMemory(): ViewMemory {
  shared ??= createViewMemory(globalThis.localStorage);
  return shared;
}
