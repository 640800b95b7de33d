// Tells whether a conversation has an answer streaming in some tab, so that a
// tab opening it does not mark another tab's live stream as interrupted.
// Web Locks are released by the browser when a tab closes or crashes, which
// is exactly the signal needed; a localStorage heartbeat covers browsers
// without them.

export interface StreamLocks {
  /** Runs `fn` while holding the conversation's stream lock. */
  hold<T>(conversationId: string, fn: () => Promise<T>): Promise<T>;
  /** True while any tab of this origin streams into the conversation. */
  isLive(conversationId: string): Promise<boolean>;
}

const lockName = (conversationId: string) => `chatkeep-stream:${conversationId}`;

interface LockManagerLike {
  request<T>(name: string, options: { mode: 'shared' }, callback: () => Promise<T>): Promise<T>;
  query(): Promise<{ held?: { name?: string }[]; pending?: { name?: string }[] }>;
}

/** Shared locks: two tabs may stream into one conversation without waiting for each other. */
export function webStreamLocks(locks: LockManagerLike): StreamLocks {
  return {
    hold: (conversationId, fn) => locks.request(lockName(conversationId), { mode: 'shared' }, fn),
    async isLive(conversationId) {
      const { held = [] } = await locks.query();
      return held.some((l) => l.name === lockName(conversationId));
    },
  };
}

export interface HeartbeatOptions {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;
  now?: () => number;
  beatMs?: number;
  /** A heartbeat older than this is a dead stream. */
  staleMs?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** Fallback for browsers without Web Locks: each live stream refreshes a timestamp. */
export function heartbeatStreamLocks(opts: HeartbeatOptions): StreamLocks {
  const now = opts.now ?? Date.now;
  const beatMs = opts.beatMs ?? 1000;
  const staleMs = opts.staleMs ?? 3500;
  const every = opts.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const stop = opts.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>));
  let seq = 0;
  return {
    async hold(conversationId, fn) {
      const key = `${lockName(conversationId)}:${now()}-${seq++}-${Math.random().toString(36).slice(2, 8)}`;
      const beat = () => opts.storage.setItem(key, String(now()));
      beat();
      const handle = every(beat, beatMs);
      try {
        return await fn();
      } finally {
        stop(handle);
        opts.storage.removeItem(key);
      }
    },
    async isLive(conversationId) {
      const prefix = `${lockName(conversationId)}:`;
      for (let i = 0; i < opts.storage.length; i++) {
        const key = opts.storage.key(i);
        if (!key?.startsWith(prefix)) continue;
        const at = Number(opts.storage.getItem(key));
        if (now() - at < staleMs) return true;
      }
      return false;
    },
  };
}

export function defaultStreamLocks(): StreamLocks {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (locks && typeof locks.request === 'function' && typeof locks.query === 'function') {
    return webStreamLocks(locks);
  }
  return heartbeatStreamLocks({ storage: globalThis.localStorage });
}
