import { describe, expect, it } from 'vitest';
import { describeSyncStatus, StatusStore, type SyncEngineStatus } from './status.js';

const initial: SyncEngineStatus = {
  state: 'disabled',
  lastSyncedAt: null,
  conflicts: 0,
  rejected: 0,
  leader: false,
};

describe('StatusStore', () => {
  it('keeps the same snapshot object while nothing changes (useSyncExternalStore needs this)', () => {
    const store = new StatusStore(initial);
    const heard: SyncEngineStatus[] = [];
    store.subscribe((s) => heard.push(s));
    store.update({ phase: { state: 'synced' } });
    const first = store.get();
    store.update({ phase: { state: 'synced' } });
    store.update({ conflicts: 0 });
    expect(store.get()).toBe(first);
    expect(heard).toEqual([first]);
  });

  it('a new phase drops the fields of the old one and keeps the shared ones', () => {
    const store = new StatusStore(initial);
    store.update({ lastSyncedAt: 5, leader: true });
    store.update({ phase: { state: 'error', message: 'boom', pending: 2, retryAt: 10 } });
    store.update({ phase: { state: 'pending', count: 3 } });
    expect(store.get()).toEqual({
      state: 'pending',
      count: 3,
      lastSyncedAt: 5,
      conflicts: 0,
      rejected: 0,
      leader: true,
    });
  });

  it('stops telling a listener once it unsubscribed', () => {
    const store = new StatusStore(initial);
    let calls = 0;
    const off = store.subscribe(() => calls++);
    store.update({ phase: { state: 'syncing' } });
    off();
    store.update({ phase: { state: 'synced' } });
    expect(calls).toBe(1);
  });

  it('describes each state in words', () => {
    const s = (phase: object) => ({ ...initial, ...phase }) as SyncEngineStatus;
    expect(describeSyncStatus(s({ state: 'pending', count: 1 }))).toBe('1 change waiting to sync');
    expect(describeSyncStatus(s({ state: 'offline', pending: 3, retryAt: null }))).toBe(
      'Offline: 3 changes saved on this device',
    );
    expect(describeSyncStatus(s({ state: 'signed-out' }))).toBe('Signed out of sync');
  });
});
