// Where the snapshot is kept: one localStorage entry, written and removed
// only here. After sign-out or "Clear all conversations" this page writes
// no snapshot again (it may still show what the account or the cleared
// history held until it reloads).
import { accountOf, parseSnapshot, SNAPSHOT_KEY, type Snapshot, SYNC_KEY } from './format.js';

let halted = false;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function readSnapshot(): Snapshot | undefined {
  return parseSnapshot(storage()?.getItem(SNAPSHOT_KEY) ?? null);
}

/** Stores `text` (a serialized snapshot); false when halted or the quota refuses it (any older one is gone then). */
export function storeSnapshot(text: string): boolean {
  const store = storage();
  if (halted || !store) return false;
  try {
    store.setItem(SNAPSHOT_KEY, text);
    return true;
  } catch {
    store.removeItem(SNAPSHOT_KEY);
    return false;
  }
}

/** Removes the snapshot; the next start paints nothing until the app has shown a conversation again. */
export function removeSnapshot(): void {
  try {
    storage()?.removeItem(SNAPSHOT_KEY);
  } catch {
    // No storage: nothing was kept.
  }
}

/** Removes the snapshot and writes none for the rest of this page (sign-out, "Clear all conversations"). */
export function forgetSnapshot(): void {
  halted = true;
  removeSnapshot();
}

export function isSnapshotHalted(): boolean {
  return halted;
}

/** The sync account the app runs under now, as the snapshot records it. */
export function currentAccount(): string | null {
  try {
    return accountOf(storage()?.getItem(SYNC_KEY) ?? null);
  } catch {
    return null;
  }
}

/** For tests: a new page. */
export function resetSnapshotStoreForTests(): void {
  halted = false;
}
