import { afterEach, describe, expect, it } from 'vitest';
import { electLeader, type Leadership } from '../../src/sync/leader.js';
import { systemTimers } from '../../src/sync/timers.js';
import { MemoryLockManager } from './memory-locks.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

const elected: Leadership[] = [];
afterEach(() => {
  for (const l of elected.splice(0)) l.resign();
});
function elect(opts: Parameters<typeof electLeader>[0]): Leadership {
  const l = electLeader(opts);
  elected.push(l);
  return l;
}

describe('leader election with Web Locks', () => {
  it('the first tab leads, the second waits in the queue and takes over when the first resigns', async () => {
    const locks = new MemoryLockManager();
    const a = elect({ name: 'db1', timers: systemTimers, locks });
    await until(() => a.isLeader, 'a leads');
    const b = elect({ name: 'db1', timers: systemTimers, locks });
    await sleep(20);
    expect(b.isLeader).toBe(false);
    const changes: boolean[] = [];
    b.onChange((leader) => changes.push(leader));
    a.resign();
    await until(() => b.isLeader, 'b takes over');
    expect(a.isLeader).toBe(false);
    expect(changes).toEqual([true]);
  });

  it('a follower that resigns leaves the queue and never leads', async () => {
    const locks = new MemoryLockManager();
    const a = elect({ name: 'db2', timers: systemTimers, locks });
    await until(() => a.isLeader, 'a leads');
    const b = elect({ name: 'db2', timers: systemTimers, locks });
    const c = elect({ name: 'db2', timers: systemTimers, locks });
    await sleep(10);
    b.resign();
    a.resign();
    await until(() => c.isLeader, 'c takes over');
    expect(b.isLeader).toBe(false);
  });

  it('locks of different databases are independent', async () => {
    const locks = new MemoryLockManager();
    const a = elect({ name: 'one', timers: systemTimers, locks });
    const b = elect({ name: 'two', timers: systemTimers, locks });
    await until(() => a.isLeader && b.isLeader, 'both lead');
  });
});

describe('leader election over BroadcastChannel (no Web Locks)', () => {
  const fast = { heartbeatMs: 40, peerTimeoutMs: 150, settleMs: 60 };

  it('exactly one of three tabs leads: the oldest, and the next one after it resigns', async () => {
    const a = elect({ name: 'bc1', timers: systemTimers, locks: null, ...fast });
    await sleep(5);
    const b = elect({ name: 'bc1', timers: systemTimers, locks: null, ...fast });
    const c = elect({ name: 'bc1', timers: systemTimers, locks: null, ...fast });
    await until(() => a.isLeader, 'a leads');
    await sleep(150);
    expect([a.isLeader, b.isLeader, c.isLeader]).toEqual([true, false, false]);
    a.resign();
    await until(() => b.isLeader, 'b takes over');
    await sleep(100);
    expect(c.isLeader).toBe(false);
  });

  it('a tab that goes silent without saying goodbye loses the lead after the timeout', async () => {
    // An older tab that announces itself a few times and then freezes (a crashed tab).
    const ghost = new BroadcastChannel('chatkeep-leader:bc2');
    const beat = () => ghost.postMessage({ type: 'beat', id: '00000000-0000-7000-8000-000000000000' });
    beat();
    const timer = setInterval(beat, 30);
    const a = elect({ name: 'bc2', timers: systemTimers, locks: null, ...fast });
    await sleep(250);
    expect(a.isLeader).toBe(false);
    clearInterval(timer);
    ghost.close();
    await until(() => a.isLeader, 'a takes over from the silent tab', 1000);
  });
});
