import type { SyncEngineStatus } from '@chatkeep/storage';
import { describe, expect, it } from 'vitest';
import { liveLabel, syncStatusLabel } from './SyncStatus.js';

const base = { lastSyncedAt: null, conflicts: 0, rejected: 0, leader: true };
const ctx = { online: true, expired: false, serverUrl: 'https://sync.example.org:8787' };

describe('syncStatusLabel', () => {
  it('an unreachable server while the browser is online names the server, not "Offline"', () => {
    const status: SyncEngineStatus = { ...base, state: 'offline', pending: 2, retryAt: null };
    const text = syncStatusLabel(status, ctx);
    expect(text).toContain('Cannot reach the sync server at sync.example.org:8787');
    expect(text).toContain('2 changes saved on this device');
    expect(text).not.toMatch(/^Offline/);
  });

  it('with nothing pending an unreachable server still says it is retrying', () => {
    const status: SyncEngineStatus = { ...base, state: 'offline', pending: 0, retryAt: null };
    expect(syncStatusLabel(status, ctx)).toMatch(/Cannot reach the sync server at .*: retrying\./);
  });

  it('a browser without network is reported as offline', () => {
    const status: SyncEngineStatus = { ...base, state: 'offline', pending: 1, retryAt: null };
    expect(syncStatusLabel(status, { ...ctx, online: false })).toBe('Offline: 1 change saved on this device');
  });

  it('an expired sign-in tells the person to sign in again', () => {
    const status: SyncEngineStatus = { ...base, state: 'signed-out' };
    expect(syncStatusLabel(status, { ...ctx, expired: true })).toBe(
      'Sign-in expired: sign in again in Settings',
    );
    expect(syncStatusLabel(status, ctx)).toBe('Signed out of sync');
  });
});

describe('liveLabel', () => {
  it('says "Live" while the event stream is open, and that it checks periodically while it is not', () => {
    expect(liveLabel({ ...base, state: 'synced', live: true })?.text).toBe('Live');
    expect(liveLabel({ ...base, state: 'pending', count: 1, live: false })?.text).toBe(
      'Checking for changes periodically',
    );
    expect(liveLabel({ ...base, state: 'syncing' })?.text).toBe('Checking for changes periodically');
  });

  it('says nothing when sync is off, signed out or offline', () => {
    expect(liveLabel({ ...base, state: 'disabled', live: true })).toBeNull();
    expect(liveLabel({ ...base, state: 'signed-out' })).toBeNull();
    expect(liveLabel({ ...base, state: 'offline', pending: 0, retryAt: null, live: true })).toBeNull();
  });
});
