// An in-memory DOM `Storage` with a byte quota, for Node tests of the
// localStorage adapter and of anything that reads legacy localStorage data.

/** What browsers count against the localStorage quota: UTF-16 code units, two bytes each. */
export function storageBytes(key: string, value: string): number {
  return (key.length + value.length) * 2;
}

function quotaError(key: string, quota: number): DOMException {
  return new DOMException(
    `Setting the value of '${key}' exceeded the quota of ${quota} bytes.`,
    'QuotaExceededError',
  );
}

export class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  private used = 0;

  /** `quota`: the byte budget (keys + values, UTF-16); unlimited when omitted. */
  constructor(readonly quota: number = Number.POSITIVE_INFINITY) {
    if (!(quota >= 0))
      throw new RangeError(`MemoryStorage quota must be a non-negative number, got ${quota}`);
  }

  get length(): number {
    return this.items.size;
  }

  /** Bytes currently counted against the quota. */
  get usedBytes(): number {
    return this.used;
  }

  key(index: number): string | null {
    if (!Number.isInteger(index) || index < 0 || index >= this.items.size) return null;
    let i = 0;
    for (const key of this.items.keys()) {
      if (i++ === index) return key;
    }
    return null;
  }

  getItem(key: string): string | null {
    return this.items.get(String(key)) ?? null;
  }

  setItem(key: string, value: string): void {
    const k = String(key);
    const v = String(value);
    const previous = this.items.get(k);
    const next = this.used - (previous === undefined ? 0 : storageBytes(k, previous)) + storageBytes(k, v);
    // Like browsers: a write that does not fit throws and leaves the old value in place.
    if (next > this.quota) throw quotaError(k, this.quota);
    this.items.set(k, v);
    this.used = next;
  }

  removeItem(key: string): void {
    const k = String(key);
    const previous = this.items.get(k);
    if (previous === undefined) return;
    this.items.delete(k);
    this.used -= storageBytes(k, previous);
  }

  clear(): void {
    this.items.clear();
    this.used = 0;
  }

  /** Every key and value, in insertion order: lets tests compare whole states. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.items);
  }

  [name: string]: unknown;
}
