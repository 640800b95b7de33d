import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../test-support/memory-storage.js';
import { heartbeatStreamLocks, localStreamLocks } from './stream-locks.js';

describe('heartbeat stream locks (browsers without Web Locks)', () => {
  it('reports a stream live while it runs and not after it ends', async () => {
    const storage = new MemoryStorage();
    const locks = heartbeatStreamLocks({ storage, setInterval: () => 0, clearInterval: () => {} });
    let release!: () => void;
    const running = locks.hold('c1', () => new Promise<void>((r) => (release = r)));
    expect(await locks.isLive('c1')).toBe(true);
    expect(await locks.isLive('c2')).toBe(false);
    release();
    await running;
    expect(await locks.isLive('c1')).toBe(false);
  });

  it('treats a heartbeat that stopped (closed tab) as a dead stream', async () => {
    const storage = new MemoryStorage();
    let now = 1_000_000;
    const writer = heartbeatStreamLocks({
      storage,
      now: () => now,
      setInterval: () => 0,
      clearInterval: () => {},
    });
    // A tab that never gets to clean up: the promise never settles.
    void writer.hold('c1', () => new Promise(() => {}));
    const reader = heartbeatStreamLocks({ storage, now: () => now, staleMs: 3500 });
    expect(await reader.isLive('c1')).toBe(true);
    now += 4000;
    expect(await reader.isLive('c1')).toBe(false);
  });
});

describe('local stream locks (a single context: Node, or no Web Locks and no localStorage)', () => {
  it('reports a stream live while it runs, also while a second one into the same conversation still runs', async () => {
    const locks = localStreamLocks();
    let releaseFirst!: () => void;
    let releaseSecond!: () => void;
    const first = locks.hold('c1', () => new Promise<void>((r) => (releaseFirst = r)));
    const second = locks.hold('c1', () => new Promise<void>((r) => (releaseSecond = r)));
    expect(await locks.isLive('c1')).toBe(true);
    expect(await locks.isLive('c2')).toBe(false);
    releaseFirst();
    await first;
    expect(await locks.isLive('c1')).toBe(true);
    releaseSecond();
    await second;
    expect(await locks.isLive('c1')).toBe(false);
  });

  it('releases the lock when the stream throws', async () => {
    const locks = localStreamLocks();
    await expect(locks.hold('c1', async () => Promise.reject(new Error('network')))).rejects.toThrow(
      'network',
    );
    expect(await locks.isLive('c1')).toBe(false);
  });
});
