// The part of the Web Locks API (`navigator.locks`) the library uses: sync
// leadership asks for exclusive locks, stream locks for shared ones and look
// at which are held.

export interface LockManagerLike {
  request(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>;
  /** Which locks are held; only stream locks need it. */
  query?(): Promise<{ held?: { name?: string }[] }>;
}

/** `navigator.locks` where the environment has Web Locks. */
export function defaultLockManager(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : undefined;
}
