// Many requests in one transaction, issued on the plain IndexedDB objects.
// The idb wrapper gives every request a promise and two listeners; for the
// thousands of reads and writes of a pulled page that bookkeeping cost as
// much as the requests themselves. Here a whole batch of reads shares one
// promise, and writes get none: the transaction runs them in order, so the
// last write's success (`flush`) comes only after all of them.
//
// Waiting is never done with a read: in Chromium every read of a readwrite
// transaction first writes the transaction's pending changes to LevelDB
// with an undo log (read back key by key, deleted again after the commit);
// a transaction that only writes sends them once, at its commit. A page
// waited on with a read every 200 records cost the browser process about
// twice the compaction of the same puts without it.

import type { StoreNames, StoreValue } from 'idb';
import { unwrap } from 'idb';
import type { RecordKind } from '../types.js';
import { readBack } from './read-back.js';
import type { ChatkeepSchema, StoredSyncMetadata, WriteStore } from './schema.js';
import type { WriteTx } from './tx.js';

export class BulkRequests {
  private readonly raw: IDBTransaction;
  /** The first failed write: the error to report, rather than the abort it causes in later requests. */
  private failure: DOMException | null = null;
  private readonly onWriteError = (event: Event) => {
    this.failure ??= (event.target as IDBRequest).error;
  };

  /** The last write issued: its success means every write before it succeeded too. */
  private last: IDBRequest | undefined;

  constructor(tx: WriteTx) {
    this.raw = unwrap(tx);
  }

  /** Queues a put; a failure aborts the transaction and is thrown by `flush` (or `rethrow`). */
  put<S extends WriteStore>(store: S, value: StoreValue<ChatkeepSchema, S>): void {
    const request = this.raw.objectStore(store).put(value);
    request.onerror = this.onWriteError;
    this.last = request;
  }

  /** Reads many keys of one store with one promise; results in the order of `keys`. */
  getMany<S extends StoreNames<ChatkeepSchema>>(
    store: S,
    keys: IDBValidKey[],
  ): Promise<(StoreValue<ChatkeepSchema, S> | undefined)[]> {
    const results: (StoreValue<ChatkeepSchema, S> | undefined)[] = new Array(keys.length);
    if (keys.length === 0) return Promise.resolve(results);
    const objectStore = this.raw.objectStore(store);
    return new Promise((resolve, reject) => {
      let left = keys.length;
      keys.forEach((key, i) => {
        const request = objectStore.get(key);
        request.onsuccess = () => {
          results[i] = request.result;
          if (--left === 0) resolve(results);
        };
        request.onerror = () => reject(this.failure ?? request.error);
      });
    });
  }

  /** The last `breathe` mark: resolved once the writes issued before it are done. */
  private mark: { done: boolean; settled: Promise<void> } | undefined;

  /**
   * Gives the main thread back within the transaction: resumes from a
   * request's success event, so the transaction stays active and other tasks
   * (the page's own) run meanwhile. It waits for the writes issued before
   * the previous mark when they are still running, so the database always
   * has the last batch to work on while the next is issued; for this one's
   * when they are all done.
   */
  async breathe(): Promise<void> {
    const previous = this.mark;
    const mark = { done: false, settled: this.flush() };
    mark.settled.then(
      () => {
        mark.done = true;
      },
      () => undefined,
    );
    this.mark = mark;
    await (previous && !previous.done ? previous.settled : mark.settled);
  }

  /** Resolves once every write queued before it has succeeded (no request of its own: see above). */
  flush(): Promise<void> {
    const request = this.last;
    if (!request || request.readyState === 'done') {
      return request?.error || this.failure
        ? Promise.reject(this.failure ?? request?.error)
        : Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      request.addEventListener('success', () => resolve());
      request.addEventListener('error', () => reject(this.failure ?? request.error));
    });
  }

  /** The error to report for a failure seen after a write failed: the write's own. */
  rethrow(error: unknown): never {
    throw this.failure ?? error;
  }
}

/** The sync entries of `keys` (undefined where there is none), read in batches (read-back.ts). */
export function readSyncEntries(
  tx: WriteTx,
  bulk: BulkRequests,
  keys: [RecordKind, string][],
): Promise<(StoredSyncMetadata | undefined)[]> {
  const store = tx.objectStore('sync_metadata');
  return readBack(
    {
      get: (key) => store.get(key),
      getAllKeys: (query, count) => store.getAllKeys(query, count),
      getMany: (many) => bulk.getMany('sync_metadata', many),
    },
    keys,
  );
}
