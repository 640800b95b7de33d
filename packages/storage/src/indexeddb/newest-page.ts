// The newest records of an index range in a few requests: the read behind
// every page of messages. Walking a cursor costs one round trip to the
// browser's storage thread per record; these cost one (getAllRecords) or
// three (a key cursor and one getAll), whatever the page size.

export interface NewestPage<T> {
  /** At most `limit` values, in ascending index order. */
  values: T[];
  /** Whether the range holds older records than the page. */
  hasMore: boolean;
}

type GetAllRecords = (options: {
  query?: IDBKeyRange;
  count?: number;
  direction?: IDBCursorDirection;
}) => IDBRequest<{ value: unknown }[]>;

/** Whether this browser has `IDBIndex.getAllRecords` (a reverse getAll with a count). */
export function hasGetAllRecords(index: IDBIndex): boolean {
  return typeof (index as unknown as { getAllRecords?: unknown }).getAllRecords === 'function';
}

/** The newest `limit` records of `range` in `index`, and whether older ones exist. */
export function readNewestPage<T>(
  index: IDBIndex,
  range: IDBKeyRange,
  limit: number,
): Promise<NewestPage<T>> {
  return hasGetAllRecords(index)
    ? viaGetAllRecords(index, range, limit)
    : viaBoundedGetAll(index, range, limit);
}

/** One request: the newest limit + 1 records, the extra one only telling whether there are more. */
function viaGetAllRecords<T>(index: IDBIndex, range: IDBKeyRange, limit: number): Promise<NewestPage<T>> {
  const getAllRecords = (index as unknown as { getAllRecords: GetAllRecords }).getAllRecords;
  const request = getAllRecords.call(index, { query: range, count: limit + 1, direction: 'prev' });
  return settle(request, (records) => {
    const hasMore = records.length > limit;
    const values = new Array<T>(Math.min(records.length, limit));
    // Newest first from the index; the page is chronological.
    for (let i = 0; i < values.length; i++) values[values.length - 1 - i] = records[i]!.value as T;
    return { values, hasMore };
  });
}

/**
 * Without getAllRecords: a reverse key cursor (no values read) skips `limit`
 * keys to find where the page starts, then one getAll reads exactly the page.
 */
function viaBoundedGetAll<T>(index: IDBIndex, range: IDBKeyRange, limit: number): Promise<NewestPage<T>> {
  return new Promise((resolve, reject) => {
    const fail = (request: IDBRequest) => () => reject(request.error);
    const readPage = (query: IDBKeyRange, hasMore: boolean) => {
      const request = index.getAll(query);
      request.onsuccess = () => resolve({ values: request.result as T[], hasMore });
      request.onerror = fail(request);
    };
    const cursorRequest = index.openKeyCursor(range, 'prev');
    let skipped = false;
    cursorRequest.onerror = fail(cursorRequest);
    cursorRequest.onsuccess = () => {
      const cursor = cursorRequest.result;
      if (!cursor) {
        // Fewer than limit + 1 keys (or none): the page is the whole range.
        if (skipped) readPage(range, false);
        else resolve({ values: [], hasMore: false });
        return;
      }
      if (!skipped) {
        skipped = true;
        cursor.advance(limit);
        return;
      }
      // The cursor stands on the newest record older than the page.
      readPage(IDBKeyRange.bound(cursor.key, range.upper, true, range.upperOpen), true);
    };
  });
}

function settle<R, T>(request: IDBRequest<R>, map: (result: R) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => {
      try {
        resolve(map(request.result));
      } catch (error) {
        reject(error);
      }
    };
    request.onerror = () => reject(request.error);
  });
}
