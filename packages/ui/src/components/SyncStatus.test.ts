import type { SyncEngineStatus } from '@chatkeep/storage';
import { describe, expect, it } from 'vitest';
import { syncStatusLabel } from './SyncStatus.js';

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
