// A byte budget per database name, enforced on IDBObjectStore put/add the way
// a full disk shows up: a DOMException named QuotaExceededError. As in a
// browser, an aborted transaction's writes take no space.

interface Budget {
  remaining: number;
}

const budgets = new Map<string, Budget>();
const patched = new WeakSet<object>();

function sizeOf(value: unknown, key: unknown): number {
  // UTF-16: two bytes per code unit, roughly what browsers charge.
  return ((JSON.stringify(value) ?? '').length + (key === undefined ? 0 : String(key).length)) * 2;
}

/** What each transaction was charged: an aborted transaction stores nothing, so it gives its bytes back. */
const charged = new WeakMap<IDBTransaction, { budget: Budget; bytes: number }>();

function charge(tx: IDBTransaction, budget: Budget, bytes: number): void {
  const entry = charged.get(tx);
  if (entry) {
    entry.bytes += bytes;
    return;
  }
  const fresh = { budget, bytes };
  charged.set(tx, fresh);
  tx.addEventListener('abort', () => {
    fresh.budget.remaining += fresh.bytes;
  });
}

/** Makes every put/add on stores of `proto` charge the budget of their database. */
export function enforceBudgets(proto: IDBObjectStore): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  for (const method of ['put', 'add'] as const) {
    const original = proto[method];
    proto[method] = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const budget = budgets.get(this.transaction.db.name);
      if (budget) {
        const cost = sizeOf(value, key);
        if (cost > budget.remaining) {
          throw new DOMException(
            `The quota of this database is used up (${cost} bytes asked).`,
            'QuotaExceededError',
          );
        }
        budget.remaining -= cost;
        charge(this.transaction, budget, cost);
      }
      return original.call(this, value, key);
    } as typeof original;
  }
}

/** Database `dbName` may take about `bytes` more bytes before writes fail. */
export function setBudget(dbName: string, bytes: number): void {
  budgets.set(dbName, { remaining: bytes });
}
