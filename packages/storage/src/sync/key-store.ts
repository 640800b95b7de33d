// "Remember on this device": the unlocked data key kept as a non-extractable
// WebCrypto key (its bits cannot be read back, only used), in a small
// IndexedDB database of its own, per account. Forgotten on sign-out and when
// the account turns encryption off or gets new keys (the key check differs).
import { type IDBPDatabase, wrap } from 'idb';

export interface RememberedKey {
  /** The data key's non-extractable base key (DataKey.base). */
  base: CryptoKey;
  /** Its key check, to tell whether it still is the account's key. */
  check: string;
}

export interface KeyStore {
  load(userId: string): Promise<RememberedKey | undefined>;
  save(userId: string, key: RememberedKey): Promise<void>;
  /** Forgets one account's key, or every key when no account is named. */
  forget(userId?: string): Promise<void>;
}

/** Keys for this page's life only: where IndexedDB is missing, and in tests. */
export function memoryKeyStore(): KeyStore {
  const keys = new Map<string, RememberedKey>();
  return {
    load: async (userId) => keys.get(userId),
    save: async (userId, key) => {
      keys.set(userId, key);
    },
    forget: async (userId) => {
      if (userId === undefined) keys.clear();
      else keys.delete(userId);
    },
  };
}

const STORE = 'keys';

/**
 * Keys in IndexedDB (`factory` defaults to the page's indexedDB). A device
 * without a working IndexedDB keeps them in memory instead: unlocking then
 * lasts until the page closes.
 */
export function indexedDbKeyStore(opts: { dbName?: string; factory?: IDBFactory } = {}): KeyStore {
  const factory = opts.factory ?? globalThis.indexedDB;
  if (!factory) return memoryKeyStore();
  const fallback = memoryKeyStore();
  let db: Promise<IDBPDatabase | undefined> | undefined;
  const open = () => {
    db ??= (async () => {
      const request = factory.open(opts.dbName ?? 'chatkeep-keys', 1);
      request.addEventListener('upgradeneeded', () => request.result.createObjectStore(STORE));
      const database = (await wrap(request)) as unknown as IDBPDatabase;
      // A newer version elsewhere: let it upgrade; the next call opens again.
      database.addEventListener('versionchange', () => {
        database.close();
        db = undefined;
      });
      return database;
    })().catch(() => undefined);
    return db;
  };
  return {
    async load(userId) {
      const database = await open();
      if (!database) return fallback.load(userId);
      return (await database.get(STORE, userId)) as RememberedKey | undefined;
    },
    async save(userId, key) {
      const database = await open();
      if (!database) return fallback.save(userId, key);
      await database.put(STORE, key, userId);
    },
    async forget(userId) {
      const database = await open();
      if (!database) return fallback.forget(userId);
      if (userId === undefined) await database.clear(STORE);
      else await database.delete(STORE, userId);
    },
  };
}
