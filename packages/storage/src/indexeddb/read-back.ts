// Reading back the stored versions of many records before upserting them,
// without a read per record when most of them are not stored yet (an import
// into a new database, a device's first sync): one key-only range request per chunk of sorted keys
// lists which of them exist, and only those are read. The answer is exact
// whatever the database holds, unlike guessing from the conversation (a
// message id may be taken by another conversation, and sync entries of a
// deleted conversation outlive it).

type Key = string | readonly string[];

/** What readBack needs of an object store. */
export interface KeyedStore<K extends Key, V> {
  get(key: K): Promise<V | undefined>;
  getAllKeys(query: IDBKeyRange, count?: number): Promise<K[]>;
  /** Reads many keys at once, in their order; without it each key is one `get`. */
  getMany?(keys: K[]): Promise<(V | undefined)[]>;
}

/** Keys per range request. */
const CHUNK = 64;
/** Other stored keys a chunk's range may hold before reading each key of the chunk is cheaper. */
const SLACK = 64;

/** IndexedDB's order for string keys and arrays of strings (UTF-16 code units, like `<`). */
function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string') return 1; // arrays sort after strings
  if (typeof b === 'string') return -1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareKeys(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function keyId(key: Key): string {
  return typeof key === 'string' ? key : key.join('\u0000');
}

/** A crowded chunk of more keys than this is halved and each half listed again; a smaller one is read key by key. */
const SPLIT_ABOVE = 8;

/** The stored value for each of `keys` (undefined where there is none), in the order of `keys`. */
export async function readBack<K extends Key, V>(
  store: KeyedStore<NoInfer<K>, V>,
  keys: K[],
): Promise<(V | undefined)[]> {
  const values: (V | undefined)[] = new Array(keys.length).fill(undefined);
  const order = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[a] as K, keys[b] as K));
  const chunks: number[][] = [];
  for (let i = 0; i < order.length; i += CHUNK) chunks.push(order.slice(i, i + CHUNK));
  const lookUp = async (chunk: number[]): Promise<void> => {
    const low = keys[chunk[0] as number] as K;
    const high = keys[chunk[chunk.length - 1] as number] as K;
    const limit = chunk.length + SLACK;
    const stored = await store.getAllKeys(IDBKeyRange.bound(low, high), limit);
    let toRead = chunk;
    if (stored.length < limit) {
      const present = new Set(stored.map(keyId));
      toRead = chunk.filter((i) => present.has(keyId(keys[i] as K)));
    } else if (chunk.length > SPLIT_ABOVE) {
      // Other records crowd the range (ids of other conversations of the same
      // days, say): narrower ranges usually hold few of them, and listing two
      // costs less than reading every key.
      const half = chunk.length >> 1;
      await Promise.all([lookUp(chunk.slice(0, half)), lookUp(chunk.slice(half))]);
      return;
    }
    if (toRead.length === 0) return;
    const wanted = toRead.map((i) => keys[i] as K);
    const found = await (store.getMany
      ? store.getMany(wanted)
      : Promise.all(wanted.map((key) => store.get(key))));
    toRead.forEach((i, j) => {
      values[i] = found[j];
    });
  };
  // Every chunk's range request is issued before any answer is awaited.
  await Promise.all(chunks.map(lookUp));
  return values;
}
