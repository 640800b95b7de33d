// All-or-nothing writes over several localStorage keys. Reads are parsed once
// per transaction; writes are buffered and applied together at commit. If the
// browser refuses one of them (quota), every key already written is put back.
import { ChatStorageError, isQuotaError, quotaExceeded } from '../errors.js';

interface Slot {
  value: unknown;
  dirty: boolean;
}

interface Write {
  key: string;
  next: string | null;
  previous: string | null;
}

/** How many characters a write adds (negative when it frees space). */
const growth = (w: Write) => (w.next?.length ?? 0) - (w.previous?.length ?? 0);

/** Parses a stored value; a key holding something that is not JSON is reported, never dropped. */
export function parseStored(key: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw corrupted(key, 'is not valid JSON', cause);
  }
}

export function corrupted(key: string, what: string, cause?: unknown): ChatStorageError {
  return new ChatStorageError(
    'unavailable',
    `The saved chat data under localStorage key "${key}" ${what}, so it cannot be read. Copy that key's value somewhere safe if you need it, then remove the key to continue.`,
    { cause },
  );
}

export class KeyValueTx {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly storage: Storage) {}

  /** The value under `key` as this transaction sees it (its own writes included). */
  get<T>(key: string): T | undefined {
    const slot = this.slots.get(key);
    if (slot) return slot.value as T | undefined;
    const raw = this.storage.getItem(key);
    const value = raw === null ? undefined : parseStored(key, raw);
    this.slots.set(key, { value, dirty: false });
    return value as T | undefined;
  }

  /** Every key starting with `prefix`, as this transaction sees them. */
  keysWithPrefix(prefix: string): string[] {
    const found = new Set<string>();
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key?.startsWith(prefix)) found.add(key);
    }
    for (const [key, slot] of this.slots) {
      if (!key.startsWith(prefix)) continue;
      if (slot.value === undefined) found.delete(key);
      else found.add(key);
    }
    return [...found];
  }

  /** Buffers a write; `undefined` removes the key. */
  set(key: string, value: unknown): void {
    this.slots.set(key, { value, dirty: true });
  }

  delete(key: string): void {
    this.set(key, undefined);
  }

  /** Applies every buffered write, or none of them. */
  commit(): void {
    const writes: Write[] = [];
    for (const [key, slot] of this.slots) {
      if (!slot.dirty) continue;
      const next = slot.value === undefined ? null : JSON.stringify(slot.value);
      const previous = this.storage.getItem(key);
      if (next !== previous) writes.push({ key, next, previous });
    }
    // Shrinking writes first, so that space they free is there for the growing ones.
    writes.sort((a, b) => growth(a) - growth(b));
    const done: Write[] = [];
    try {
      for (const w of writes) {
        if (w.next === null) this.storage.removeItem(w.key);
        else this.storage.setItem(w.key, w.next);
        done.push(w);
      }
    } catch (error) {
      this.rollback(done);
      if (isQuotaError(error)) throw quotaExceeded(error);
      throw new ChatStorageError(
        'unavailable',
        `The browser refused to save chat data to localStorage (${describe(error)}). Nothing was changed; check that site storage is allowed.`,
        { cause: error },
      );
    } finally {
      for (const slot of this.slots.values()) slot.dirty = false;
    }
  }

  /** Undoes applied writes, largest growth first: every step then only frees space. */
  private rollback(done: Write[]): void {
    const undo = [...done].sort((a, b) => growth(b) - growth(a));
    const failed: string[] = [];
    for (const w of undo) {
      try {
        if (w.previous === null) this.storage.removeItem(w.key);
        else this.storage.setItem(w.key, w.previous);
      } catch {
        failed.push(w.key);
      }
    }
    if (failed.length > 0) {
      throw new ChatStorageError(
        'unavailable',
        `A failed save could not be fully undone: localStorage refused to restore ${failed.join(', ')}. Reload the page; export your conversations if anything looks wrong.`,
      );
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
