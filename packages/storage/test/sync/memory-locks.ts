// An in-memory LockManager with the Web Locks semantics the engine relies on:
// exclusive locks, `ifAvailable` answering null at once when held, queued
// requests granted in order on release, and `signal` aborting a queued request.
import type { LockManagerLike } from '../../src/sync/leader.js';

export class MemoryLockManager implements LockManagerLike {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, (() => void)[]>();

  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  async request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown> {
    if (options.signal?.aborted) throw new DOMException('The request was aborted.', 'AbortError');
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve, reject) => {
        const queue = this.queues.get(name) ?? [];
        this.queues.set(name, queue);
        const grant = () => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          queue.splice(queue.indexOf(grant), 1);
          reject(new DOMException('The request was aborted.', 'AbortError'));
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(grant);
      });
      // Granted: the releasing holder handed the lock over without freeing it.
    } else {
      this.held.add(name);
    }
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      const next = this.queues.get(name)?.shift();
      if (next) next();
      else this.held.delete(name);
    }
  }
}
