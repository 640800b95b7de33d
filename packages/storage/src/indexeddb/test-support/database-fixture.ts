// Loads a database dumped by a fixture script (src/test-support/fixtures/)
// into an IndexedDB factory, at the version and with the stores and indexes
// the release that made it had, so the current code opens it as a user's
// browser would.

export interface StoreDump {
  keyPath: string | string[] | null;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  /** Values; for stores with out-of-line keys, `{ key, value }`. */
  records: unknown[];
}

export interface DatabaseDump {
  name: string;
  version: number;
  stores: Record<string, StoreDump>;
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Creates database `name` in `factory` exactly as `dump` describes it. */
export async function loadDatabaseDump(
  factory: IDBFactory,
  dump: DatabaseDump,
  name = dump.name,
): Promise<void> {
  const request = factory.open(name, dump.version);
  request.onupgradeneeded = () => {
    const db = request.result;
    for (const [storeName, store] of Object.entries(dump.stores)) {
      const created = db.createObjectStore(
        storeName,
        store.keyPath === null ? undefined : { keyPath: store.keyPath },
      );
      for (const index of store.indexes) {
        created.createIndex(index.name, index.keyPath, {
          unique: index.unique,
          multiEntry: index.multiEntry,
        });
      }
    }
  };
  const db = await settle(request);
  const names = Object.keys(dump.stores);
  const tx = db.transaction(names, 'readwrite');
  for (const [storeName, store] of Object.entries(dump.stores)) {
    const target = tx.objectStore(storeName);
    for (const record of store.records) {
      if (store.keyPath === null) {
        const { key, value } = record as { key: IDBValidKey; value: unknown };
        target.put(value, key);
      } else target.put(record);
    }
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  db.close();
}
