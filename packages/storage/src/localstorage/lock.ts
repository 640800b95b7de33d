// One lock per database name for everything that reads, changes and writes
// back the localStorage copy: the adapter's writes, and merging the copy into
// IndexedDB. Web Locks keep two tabs from interleaving; where the browser has
// none, each step is still all-or-nothing on its own.

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T> | T): Promise<T>;
}

/** Runs `body` holding the lock of `dbName`; without Web Locks it runs at once. */
export async function withStorageLock<T>(dbName: string, body: () => Promise<T> | T): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return locks ? locks.request(`chatkeep:${dbName}`, body) : body();
}
