// Timers that only move when the test says so: the engine's `timers` option.
import type { SyncTimers } from '../../../src/sync/timers.js';

export class ManualTimers implements SyncTimers {
  private time = 1_800_000_000_000;
  private nextId = 1;
  private readonly due = new Map<number, { at: number; callback: () => void }>();

  constructor(private readonly randomValue = 0) {}

  now = () => this.time;
  random = () => this.randomValue;

  setTimeout = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.due.set(id, { at: this.time + ms, callback });
    return id;
  };

  clearTimeout = (handle: unknown) => {
    this.due.delete(handle as number);
  };

  /** Moves the clock forward, running each timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.due.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((x, y) => x[1].at - y[1].at)[0];
      if (!next) break;
      this.due.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
    }
    this.time = end;
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.due.size;
  }
}
