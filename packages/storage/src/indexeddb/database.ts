// Opening the database. IndexedDB missing or throwing rejects with
// 'unavailable', so the caller can fall back to localStorage; an open held
// back by another tab rejects with 'blocked' (blocked-open.ts), never with
// 'unavailable': falling back then would split the history in two.
import { type IDBPDatabase, type IDBPTransaction, type StoreNames, wrap } from 'idb';
import { ChatStorageError, StorageBlockedError } from '../errors.js';
import { BLOCKED_GRACE_MS, holdBlockedOpen, waitForHeldOpen } from './blocked-open.js';
import { type ChatkeepSchema, DB_VERSION } from './schema.js';
import { upgradeDatabase } from './upgrade.js';

type Db = IDBPDatabase<ChatkeepSchema>;
type UpgradeTx = IDBPTransaction<ChatkeepSchema, StoreNames<ChatkeepSchema>[], 'versionchange'>;

export interface OpenDatabaseOptions {
  dbName: string;
  indexedDB: IDBFactory | undefined;
  now: () => number;
  /** How long to wait for other tabs to let go before rejecting with 'blocked'. Default BLOCKED_GRACE_MS. */
  blockedGraceMs?: number;
  /** This connection stopped being usable: another tab needs a newer version, or the browser closed it. */
  onLost: (reason: string) => void;
}

function unavailable(message: string, cause?: unknown): ChatStorageError {
  return new ChatStorageError('unavailable', message, { cause });
}

function describe(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Opens (creating or upgrading) the database `opts.dbName` with `opts.indexedDB` or the global factory. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Db> {
  const factory = opts.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory || typeof factory.open !== 'function') {
    throw unavailable(
      'IndexedDB is not available here (private browsing or site storage disabled); Chatkeep needs browser storage to keep history.',
    );
  }
  if (typeof IDBRequest === 'undefined' || typeof IDBKeyRange === 'undefined') {
    // A factory without the IndexedDB classes as globals (Node): idb and key ranges need them.
    throw unavailable(
      "IndexedDB's classes (IDBRequest, IDBKeyRange) are missing from this environment; in Node, import 'fake-indexeddb/auto' before opening storage.",
    );
  }
  const graceMs = opts.blockedGraceMs ?? BLOCKED_GRACE_MS;
  await waitForHeldOpen(factory, opts.dbName, graceMs);
  let request: IDBOpenDBRequest;
  try {
    request = factory.open(opts.dbName, DB_VERSION);
  } catch (error) {
    throw unavailable(`IndexedDB refused to open the chat database (${describe(error)}).`, error);
  }
  const opening = wrap(request) as unknown as Promise<Db>;

  let upgradeError: unknown;
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as unknown as Db;
    const tx = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTx;
    // A failed upgrade is reported through the open request; its transaction's own promise is not needed.
    tx.done.catch(() => undefined);
    // The steps are async (they copy existing records); a failure must abort the upgrade, not leave it half-done.
    upgradeDatabase(db, event.oldVersion, tx, opts.now).catch((error: unknown) => {
      upgradeError = error;
      try {
        tx.abort();
      } catch {
        // Already finished or aborted.
      }
    });
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const blocked = new Promise<never>((_, reject) => {
    request.addEventListener('blocked', () => {
      // Tabs of this version close on versionchange; give a tab that is just finishing a write a moment.
      timer ??= setTimeout(() => reject(holdBlockedOpen(factory, opts.dbName, opening)), graceMs);
    });
  });

  let db: Db;
  try {
    db = await Promise.race([opening, blocked]);
  } catch (error) {
    // The held request closes itself once it opens (blocked-open.ts).
    if (error instanceof StorageBlockedError) throw error;
    // A failed open may still succeed later: close it then so it holds nothing.
    opening.then((late) => late.close()).catch(() => undefined);
    if (error instanceof ChatStorageError) throw error;
    const cause = upgradeError ?? error;
    throw unavailable(`IndexedDB could not open the chat database (${describe(cause)}).`, cause);
  } finally {
    clearTimeout(timer);
  }
  db.addEventListener('versionchange', () => {
    // Let the other tab upgrade: this connection closes and later calls say why.
    db.close();
    opts.onLost('another tab opened a newer version of Chatkeep; reload this page');
  });
  db.addEventListener('close', () => opts.onLost('the browser closed the database; reload this page'));
  return db;
}
