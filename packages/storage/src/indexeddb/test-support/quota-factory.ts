// Quota for Node tests: fake-indexeddb with a byte budget per database.
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { enforceBudgets, setBudget } from './write-budget.js';

/** The fake-indexeddb factory, with database `dbName` limited to about `bytes` more bytes. */
export function withQuota(factory: IDBFactory, dbName: string, bytes: number): IDBFactory {
  enforceBudgets(FakeObjectStore.prototype as unknown as IDBObjectStore);
  setBudget(dbName, bytes);
  return factory;
}
