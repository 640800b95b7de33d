// Which tab talks to the server. With Web Locks, the tab holding the lock is
// the leader and the others wait in the lock's queue, so leadership passes on
// as soon as the leader's tab closes. Without Web Locks, tabs elect one over
// a BroadcastChannel: every tab announces itself, the oldest live one leads.
import { newId } from '../ids.js';
import { defaultLockManager, type LockManagerLike } from '../web-locks.js';
import { type SyncTimers, Timer } from './timers.js';

export type { LockManagerLike };

export interface Leadership {
  readonly isLeader: boolean;
  /** Called on every change of `isLeader`. */
  onChange(listener: (leader: boolean) => void): () => void;
  /** Gives up leadership (or the place in the queue) for good. */
  resign(): void;
}

export interface ElectionOptions {
  name: string;
  timers: SyncTimers;
  /** `navigator.locks` by default; null forces the fallback. */
  locks?: LockManagerLike | null;
  /** Fallback tuning: how often tabs announce themselves, and after how long a silent one is gone. */
  heartbeatMs?: number;
  peerTimeoutMs?: number;
  /** How long a new tab listens for older ones before it may lead. */
  settleMs?: number;
}

export function electLeader(opts: ElectionOptions): Leadership {
  const locks = opts.locks === undefined ? defaultLockManager() : (opts.locks ?? undefined);
  if (locks) return lockLeadership(locks, opts.name);
  if (typeof BroadcastChannel === 'function') return channelLeadership(opts);
  // A single context with no way to reach another: it is the only candidate.
  return soloLeadership();
}

abstract class BaseLeadership implements Leadership {
  private leader = false;
  private readonly listeners = new Set<(leader: boolean) => void>();

  get isLeader(): boolean {
    return this.leader;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    for (const listener of [...this.listeners]) listener(leader);
  }

  abstract resign(): void;
}

function soloLeadership(): Leadership {
  const solo = new (class extends BaseLeadership {
    resign() {
      this.setLeader(false);
    }
    claim() {
      this.setLeader(true);
    }
  })();
  solo.claim();
  return solo;
}

function lockLeadership(locks: LockManagerLike, name: string): Leadership {
  const abort = new AbortController();
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const leadership = new (class extends BaseLeadership {
    resign() {
      abort.abort();
      release();
      this.setLeader(false);
    }
    hold() {
      if (abort.signal.aborted) return undefined;
      this.setLeader(true);
      // The lock is held until this promise settles: until resign().
      return held;
    }
  })();
  const ignoreAbort = (error: unknown) => {
    if (!abort.signal.aborted) throw error;
  };
  // First ask without waiting, so a tab knows at once that it is a follower;
  // then queue, so it takes over when the leader goes away.
  locks
    .request(name, { ifAvailable: true }, (lock) => {
      if (lock) return leadership.hold();
      locks.request(name, { signal: abort.signal }, () => leadership.hold()).catch(ignoreAbort);
      return undefined;
    })
    .catch(ignoreAbort);
  return leadership;
}

type ElectionMessage = { type: 'hello' | 'beat' | 'bye'; id: string };

function channelLeadership(opts: ElectionOptions): Leadership {
  const heartbeatMs = opts.heartbeatMs ?? 1000;
  const peerTimeoutMs = opts.peerTimeoutMs ?? heartbeatMs * 3.5;
  const { timers } = opts;
  // Time-ordered ids: the tab that opened first has the smallest and leads.
  const self = newId();
  const peers = new Map<string, number>();
  const channel = new BroadcastChannel(`chatkeep-leader:${opts.name}`);
  (channel as unknown as { unref?: () => void }).unref?.();
  let settled = false;
  let closed = false;

  const leadership = new (class extends BaseLeadership {
    resign() {
      if (closed) return;
      closed = true;
      heartbeat.cancel();
      settle.cancel();
      post('bye');
      channel.close();
      this.setLeader(false);
    }
    evaluate() {
      if (closed || !settled) return;
      const now = timers.now();
      for (const [id, seen] of peers) if (now - seen > peerTimeoutMs) peers.delete(id);
      this.setLeader([...peers.keys()].every((id) => id > self));
    }
  })();

  const post = (type: ElectionMessage['type']) => channel.postMessage({ type, id: self });
  const heartbeat = new Timer(timers, () => {
    post('beat');
    leadership.evaluate();
    heartbeat.schedule(heartbeatMs);
  });
  const settle = new Timer(timers, () => {
    settled = true;
    leadership.evaluate();
  });

  channel.onmessage = (event: MessageEvent<ElectionMessage>) => {
    const message = event.data;
    if (closed || !message || typeof message.id !== 'string' || message.id === self) return;
    if (message.type === 'bye') peers.delete(message.id);
    else peers.set(message.id, timers.now());
    // A newcomer learns about us at once instead of waiting for a heartbeat.
    if (message.type === 'hello') post('beat');
    leadership.evaluate();
  };

  post('hello');
  heartbeat.schedule(heartbeatMs);
  settle.schedule(opts.settleMs ?? 200);
  return leadership;
}
