// Real IndexedDB adapters for the browser tests: a fresh database per call,
// all closed after each test.
import { afterEach } from 'vitest';
import { IndexedDBAdapter } from '../adapter.js';

const opened: IndexedDBAdapter[] = [];
let sequence = 0;

afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

export async function openBrowserDb(prefix = 'db'): Promise<IndexedDBAdapter> {
  const db = await IndexedDBAdapter.open({ dbName: `${prefix}-${Date.now().toString(36)}-${sequence++}` });
  opened.push(db);
  return db;
}
