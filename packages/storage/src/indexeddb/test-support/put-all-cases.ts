// putAll (tx.ts): many writes, one success listener, failures heard on the transaction.
import { type IDBPDatabase, openDB, unwrap } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { putAll } from '../tx.js';

const opened: IDBPDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

let sequence = 0;
const run = Math.random().toString(36).slice(2);
async function database(): Promise<IDBPDatabase> {
  const db = await openDB(`put-all-${run}-${sequence++}`, 1, {
    upgrade: (d) => {
      d.createObjectStore('records', { keyPath: 'id' });
      d.createObjectStore('other', { keyPath: 'id' });
    },
  });
  opened.push(db);
  return db;
}

async function stored(db: IDBPDatabase, store: string): Promise<string[]> {
  return (await db.getAllKeys(store)) as string[];
}

/** putAll's cases, run on fake-indexeddb in Node and on Chromium's IndexedDB. */
export function describePutAll(where: string): void {
  describe(`putAll (${where})`, () => {
    it('writes every record and resolves once the last is stored', async () => {
      const db = await database();
      const tx = db.transaction('records', 'readwrite');
      const values = Array.from({ length: 500 }, (_, i) => ({ id: `r${String(i).padStart(3, '0')}` }));
      await putAll(unwrap(tx.store), values, 'add');
      await tx.done;
      expect(await stored(db, 'records')).toEqual(values.map((v) => v.id));
    });

    it('resolves at once for no records', async () => {
      const db = await database();
      const tx = db.transaction('records', 'readwrite');
      await putAll(unwrap(tx.store), []);
      await tx.done;
      expect(await stored(db, 'records')).toEqual([]);
    });

    it('rejects with the ConstraintError of an add whose key is stored, and nothing of the transaction stays', async () => {
      const db = await database();
      await db.put('records', { id: 'taken' });
      const tx = db.transaction('records', 'readwrite');
      tx.done.catch(() => undefined);
      const write = putAll(unwrap(tx.store), [{ id: 'a' }, { id: 'taken' }, { id: 'b' }], 'add');
      await expect(write).rejects.toMatchObject({ name: 'ConstraintError' });
      await expect(tx.done).rejects.toBeDefined();
      expect(await stored(db, 'records')).toEqual(['taken']);
    });

    it('rejects when another request of the same transaction fails first, as the transaction aborts', async () => {
      const db = await database();
      await db.put('other', { id: 'taken' });
      const tx = db.transaction(['records', 'other'], 'readwrite');
      tx.done.catch(() => undefined);
      const failing = tx.objectStore('other').add({ id: 'taken' });
      failing.catch(() => undefined);
      const write = putAll(unwrap(tx.objectStore('records')), [{ id: 'a' }, { id: 'b' }]);
      await expect(write).rejects.toBeDefined();
      await expect(tx.done).rejects.toBeDefined();
      expect(await stored(db, 'records')).toEqual([]);
    });

    it('leaves no listener on the transaction after it resolved', async () => {
      const db = await database();
      const tx = db.transaction(['records', 'other'], 'readwrite');
      const raw = unwrap(tx);
      const listening = new Set<unknown>();
      const add = raw.addEventListener.bind(raw);
      const remove = raw.removeEventListener.bind(raw);
      let watching = false;
      raw.addEventListener = ((type: string, listener: never, options?: never) => {
        if (watching && type === 'error') listening.add(listener);
        add(type, listener, options);
      }) as typeof raw.addEventListener;
      raw.removeEventListener = ((type: string, listener: never, options?: never) => {
        if (type === 'error') listening.delete(listener);
        remove(type, listener, options);
      }) as typeof raw.removeEventListener;
      watching = true;
      const first = putAll(unwrap(tx.objectStore('records')), [{ id: 'a' }]);
      const second = putAll(unwrap(tx.objectStore('other')), [{ id: 'b' }]);
      watching = false;
      expect(listening.size).toBe(2);
      await Promise.all([first, second]);
      expect(listening.size).toBe(0);
      await tx.done;
    });
  });
}
