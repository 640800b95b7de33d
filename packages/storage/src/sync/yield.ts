// Gives the main thread back between large writes, so that a long download
// never holds the page for one long task: `scheduler.yield` where the browser
// has it (the page's own work goes first), else a macrotask.

type Scheduler = { yield?: () => Promise<void> };

export function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => globalThis.setTimeout(resolve, 0));
}
