// Runs tests as a browser without IDBIndex.getAllRecords would (Firefox and
// Safari at the time of writing): the adapter must fall back to its other path.
import { afterAll, beforeAll } from 'vitest';

/** Hides `getAllRecords` from `proto` for the tests of the enclosing describe block. */
export function withoutGetAllRecords(proto: object): void {
  const target = proto as { getAllRecords?: unknown };
  let original: unknown;
  beforeAll(() => {
    original = target.getAllRecords;
    delete target.getAllRecords;
  });
  afterAll(() => {
    if (original !== undefined) target.getAllRecords = original;
  });
}
