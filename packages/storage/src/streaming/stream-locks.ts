// Tells whether a conversation has an answer streaming in some tab, so that a
// tab opening it does not mark another tab's live stream as interrupted.
// Web Locks are released by the browser when a tab closes or crashes, which
// is exactly the signal needed; a localStorage heartbeat covers browsers
// without them, and a single context (Node, a worker without either) only
// has its own streams to know about.
import { defaultLockManager, type LockManagerLike } from '../web-locks.js';

export interface StreamLocks {
  /** Runs `fn` while holding the conversation's stream lock. */
  hold<T>(conversationId: string, fn: () => Promise<T>): Promise<T>;
  /** True while any tab of this origin streams into the conversation. */
  isLive(conversationId: string): Promise<boolean>;
}

const lockName = (conversationId: string) => `chatkeep-stream:${conversationId}`;

/** Shared locks: two tabs may stream into one conversation without waiting for each other. */
export function webStreamLocks(locks: Required<LockManagerLike>): StreamLocks {
  return {
    hold: <T>(conversationId: string, fn: () => Promise<T>) =>
      locks.request(lockName(conversationId), { mode: 'shared' }, fn) as Promise<T>,
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

/** Streams of this context only: right where no other tab can write the same database. */
export function localStreamLocks(): StreamLocks {
  const live = new Map<string, number>();
  return {
    async hold(conversationId, fn) {
      live.set(conversationId, (live.get(conversationId) ?? 0) + 1);
      try {
        return await fn();
      } finally {
        const left = (live.get(conversationId) ?? 1) - 1;
        if (left > 0) live.set(conversationId, left);
        else live.delete(conversationId);
      }
    },
    isLive: async (conversationId) => live.has(conversationId),
  };
}

/** Web Locks where the browser has them, else a localStorage heartbeat, else this context's own streams. */
export function defaultStreamLocks(): StreamLocks {
  const locks = defaultLockManager();
  if (locks && typeof locks.query === 'function') return webStreamLocks(locks as Required<LockManagerLike>);
  const storage = webStorage();
  if (storage) return heartbeatStreamLocks({ storage });
  return localStreamLocks();
}

function webStorage(): HeartbeatOptions['storage'] | undefined {
  try {
    return (globalThis as { localStorage?: HeartbeatOptions['storage'] }).localStorage;
  } catch {
    // A sandboxed frame or blocked cookies: reading localStorage throws.
    return undefined;
  }
}
