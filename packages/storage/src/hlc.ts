// Hybrid logical clock stamps, written so that string order is clock order:
// `<ms, 15 digits>:<counter, 5 digits>:<clientId>`. The only place that
// formats or parses a stamp; the server and the sync engine use it too.

const HLC_PATTERN = /^(\d{15}):(\d{5}):([A-Za-z0-9_-]{1,64})$/;
const MAX_COUNTER = 99_999;

export interface HlcParts {
  ms: number;
  counter: number;
  clientId: string;
}

export function formatHlc({ ms, counter, clientId }: HlcParts): string {
  return `${String(ms).padStart(15, '0')}:${String(counter).padStart(5, '0')}:${clientId}`;
}

/** The parts of a stamp, or undefined when it is not a well-formed stamp. */
export function parseHlc(stamp: string): HlcParts | undefined {
  const m = HLC_PATTERN.exec(stamp);
  if (!m) return undefined;
  return { ms: Number(m[1]), counter: Number(m[2]), clientId: m[3]! };
}

export function isValidClientId(clientId: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(clientId);
}

/** -1, 0 or 1: stamps compare as strings by construction. */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface HlcClock {
  readonly clientId: string;
  /** A new stamp, greater than every stamp this clock has made or seen. */
  next(): string;
  /** Advances past a stamp received from elsewhere. */
  observe(stamp: string): void;
  /** The greatest stamp made or seen so far. */
  readonly last: string | undefined;
}

/**
 * A clock that never goes backwards, even when the wall clock does: it keeps
 * the greatest (ms, counter) it has issued or observed and moves past it.
 */
export function createHlcClock(opts: { clientId: string; now?: () => number; last?: string }): HlcClock {
  const { clientId } = opts;
  if (!isValidClientId(clientId)) throw new Error(`invalid HLC client id: ${JSON.stringify(clientId)}`);
  const now = opts.now ?? Date.now;
  let ms = 0;
  let counter = 0;
  let last: string | undefined;

  const advancePast = (otherMs: number, otherCounter: number) => {
    if (otherMs > ms || (otherMs === ms && otherCounter > counter)) {
      ms = otherMs;
      counter = otherCounter;
    }
  };
  if (opts.last) {
    const p = parseHlc(opts.last);
    if (p) {
      advancePast(p.ms, p.counter);
      last = opts.last;
    }
  }

  return {
    clientId,
    get last() {
      return last;
    },
    next() {
      const wall = now();
      if (wall > ms) {
        ms = wall;
        counter = 0;
      } else if (counter < MAX_COUNTER) {
        counter += 1;
      } else {
        // Counter exhausted within one millisecond: borrow the next one.
        ms += 1;
        counter = 0;
      }
      last = formatHlc({ ms, counter, clientId });
      return last;
    },
    observe(stamp) {
      const p = parseHlc(stamp);
      if (!p) return;
      advancePast(p.ms, p.counter);
      if (!last || stamp > last) last = stamp;
    },
  };
}
