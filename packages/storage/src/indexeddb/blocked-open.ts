// An open that another tab holds back. IndexedDB queues a page's open
// requests for one database: a second request made while the first still
// waits for the other tab gets no 'blocked' event of its own and would wait
// in silence. So the first request is kept, a retry joins it, and its
// settling is what tells the app the other tab let go.
import { StorageBlockedError } from '../errors.js';

/** How long an open waits for other tabs to close their connections before it reports 'blocked'. */
export const BLOCKED_GRACE_MS = 1000;

const BLOCKED_MESSAGE =
  'Another Chatkeep tab keeps your chat history open with an older version of Chatkeep, so this tab cannot open it. Close or reload the other Chatkeep tabs; this tab can open the history as soon as they let go.';

/** The held requests of this page, by factory and database name: each settles when its request does. */
const held = new WeakMap<IDBFactory, Map<string, Promise<void>>>();

/**
 * Keeps a blocked request's promise: once it opens (the other tab let go and
 * the upgrade ran) its connection is closed, since nobody waits for it any
 * more, and the returned promise settles. Returns the error to throw.
 */
export function holdBlockedOpen(
  factory: IDBFactory,
  dbName: string,
  opening: Promise<{ close(): void }>,
): StorageBlockedError {
  let byName = held.get(factory);
  if (!byName) {
    byName = new Map();
    held.set(factory, byName);
  }
  const unblocked = opening.then(
    (late) => late.close(),
    () => undefined,
  );
  const entry = unblocked.then(() => {
    if (byName.get(dbName) === entry) byName.delete(dbName);
  });
  byName.set(dbName, entry);
  return new StorageBlockedError(BLOCKED_MESSAGE, entry);
}

/**
 * Before a new open of `dbName`: when an earlier one of this page is still
 * held back, waits up to `graceMs` for it to settle, and rejects with
 * 'blocked' again if it does not.
 */
export async function waitForHeldOpen(factory: IDBFactory, dbName: string, graceMs: number): Promise<void> {
  const entry = held.get(factory)?.get(dbName);
  if (!entry) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = await Promise.race([
    entry.then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (!settled) throw new StorageBlockedError(BLOCKED_MESSAGE, entry);
}
