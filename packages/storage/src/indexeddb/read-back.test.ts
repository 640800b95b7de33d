import 'fake-indexeddb/auto';
import { type IDBPDatabase, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { type KeyedStore, readBack } from './read-back.js';

const opened: IDBPDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

let sequence = 0;
async function storeWith(keys: string[]): Promise<IDBPDatabase> {
  const db = await openDB(`read-back-${sequence++}`, 1, {
    upgrade: (d) => {
      d.createObjectStore('plain');
      d.createObjectStore('pairs', { keyPath: ['kind', 'id'] });
    },
  });
  opened.push(db);
  const tx = db.transaction(['plain', 'pairs'], 'readwrite');
  for (const key of keys) {
    tx.objectStore('plain').put({ value: key }, key);
    tx.objectStore('pairs').put({ kind: 'message', id: key, value: key });
  }
  await tx.done;
  return db;
}

/** The store, counting the requests readBack makes. */
function counted<K extends string | readonly string[]>(db: IDBPDatabase, name: string) {
  const store = db.transaction(name).objectStore(name);
  const calls = { get: 0, getAllKeys: 0 };
  const wrapped: KeyedStore<K, { value: string }> = {
    get: (key) => {
      calls.get += 1;
      return store.get(key as IDBValidKey);
    },
    getAllKeys: (query, count) => {
      calls.getAllKeys += 1;
      return store.getAllKeys(query, count) as Promise<K[]>;
    },
  };
  return { store: wrapped, calls };
}

const ids = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('readBack', () => {
  it('reads nothing back when none of the keys is stored, with one range request per 64 keys', async () => {
    const db = await storeWith(ids(50, 'old-'));
    const { store, calls } = counted<string>(db, 'plain');
    const values = await readBack(store, ids(100, 'new-'));
    expect(values).toEqual(new Array(100).fill(undefined));
    expect(calls).toEqual({ get: 0, getAllKeys: 2 });
  });

  it('reads back exactly the stored keys, in the order asked, duplicates included', async () => {
    const db = await storeWith(['b', 'd']);
    const { store, calls } = counted<string>(db, 'plain');
    const asked: string[] = ['d', 'a', 'b', 'c', 'd'];
    const values = await readBack(store, asked);
    expect(values).toEqual([{ value: 'd' }, undefined, { value: 'b' }, undefined, { value: 'd' }]);
    expect(calls.get).toBe(3);
  });

  it('reads every key when the range is crowded with other records, and still answers exactly', async () => {
    // The asked keys interleave with 1,000 stored ones: listing the range would cost more than reading.
    const db = await storeWith(ids(1000, 'k'));
    const { store, calls } = counted<string>(db, 'plain');
    const asked: string[] = ['k0000x', 'k0500', 'k0999x', 'k0999'];
    const values = await readBack(store, asked);
    expect(values).toEqual([undefined, { value: 'k0500' }, undefined, { value: 'k0999' }]);
    expect(calls).toEqual({ get: 4, getAllKeys: 1 });
  });

  it('lists the halves of a crowded range again instead of reading every key', async () => {
    // 64 asked keys in two groups with 1,000 stored records between them: each half's range holds none.
    const db = await storeWith([...ids(1000, 'm'), 'z0003']);
    const { store, calls } = counted<string>(db, 'plain');
    const asked = [...ids(32, 'a'), ...ids(32, 'z')];
    const values = await readBack(store, asked);
    expect(values.filter(Boolean)).toEqual([{ value: 'z0003' }]);
    expect(values[35]).toEqual({ value: 'z0003' });
    expect(calls).toEqual({ get: 1, getAllKeys: 3 });
  });

  it('works on compound keys such as sync entries', async () => {
    const db = await storeWith(['m2']);
    const { store } = counted<[string, string]>(db, 'pairs');
    const values = await readBack(store, [
      ['message', 'm1'],
      ['message', 'm2'],
      ['conversation', 'm2'],
    ]);
    expect(values.map((v) => v?.value)).toEqual([undefined, 'm2', undefined]);
  });
});
