import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../test/memory-storage.js';
import { heartbeatStreamLocks } from './stream-locks.js';

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
