// The storage contract against the localStorage adapter in Node: one
// MemoryStorage per database name, shared by every adapter opened on it, as
// tabs of one origin share localStorage.
import { describeStorageContract } from '../contract/index.js';
import { MemoryStorage } from '../test-support/memory-storage.js';
import { LocalStorageAdapter } from './adapter.js';

const storages = new Map<string, MemoryStorage>();

function storageFor(dbName: string, quota?: number): MemoryStorage {
  let storage = storages.get(dbName);
  if (!storage) {
    storage = new MemoryStorage(quota);
    storages.set(dbName, storage);
  }
  return storage;
}

describeStorageContract({
  name: 'localStorage (MemoryStorage, Node)',
  open: (dbName) => LocalStorageAdapter.open({ dbName, storage: storageFor(dbName) }),
  openWithQuota: (dbName, bytes) => {
    // The budget is counted from what the database already holds.
    const existing = storages.get(dbName);
    const storage = storageFor(dbName, (existing?.usedBytes ?? 0) + bytes);
    return LocalStorageAdapter.open({ dbName, storage });
  },
});
