import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../test/memory-storage.js';
import { accountKey, createSyncSettings, SYNC_SETTINGS_KEY, serverUrlProblem } from './sync-settings.js';

const account = { username: 'ann', userId: 'u1', token: 'secret-token' };

describe('sync settings', () => {
  it('survive a reload: a new store over the same storage has the account, server and switch', async () => {
    const storage = new MemoryStorage();
    const first = createSyncSettings(() => storage);
    first.getState().setServerUrl('https://sync.example.com/');
    first.getState().signedIn(account);
    first.getState().setEnabled(true);
    expect(JSON.parse(storage.getItem(SYNC_SETTINGS_KEY)!).state.account.token).toBe('secret-token');

    const reloaded = createSyncSettings(() => storage);
    await reloaded.persist.rehydrate();
    expect(reloaded.getState()).toMatchObject({
      enabled: true,
      serverUrl: 'https://sync.example.com',
      account,
      lastUsername: 'ann',
    });
  });

  it('default to the origin the app was served from, with sync off', () => {
    const settings = createSyncSettings(() => new MemoryStorage());
    expect(settings.getState()).toMatchObject({ enabled: false, account: null, serverUrl: location.origin });
  });

  it('another server signs out: the token belongs to the old one', () => {
    const settings = createSyncSettings(() => new MemoryStorage());
    settings.getState().signedIn(account);
    settings.getState().setServerUrl(settings.getState().serverUrl);
    expect(settings.getState().account).toEqual(account);
    settings.getState().setServerUrl('https://other.example.com');
    expect(settings.getState().account).toBeNull();
  });

  it('an expired sign-in forgets the token but keeps the username to sign in again', () => {
    const settings = createSyncSettings(() => new MemoryStorage());
    settings.getState().signedIn(account);
    settings.getState().markExpired();
    expect(settings.getState()).toMatchObject({ account: null, expired: true, lastUsername: 'ann' });
    settings.getState().signedIn(account);
    expect(settings.getState().expired).toBe(false);
  });

  it('reset turns sync off and forgets the account and sync progress, keeping the server address', () => {
    const settings = createSyncSettings(() => new MemoryStorage());
    settings.getState().setServerUrl('https://sync.example.com');
    settings.getState().signedIn(account);
    settings.getState().setEnabled(true);
    settings.getState().syncFinished(accountKey('https://sync.example.com', 'u1'), 123);
    settings.getState().reset();
    expect(settings.getState()).toMatchObject({
      enabled: false,
      account: null,
      syncedAccount: null,
      lastSyncedAt: null,
      serverUrl: 'https://sync.example.com',
    });
  });

  it('the same account on the same server is one key, whatever the trailing slash', () => {
    expect(accountKey('https://s.example/', 'u1')).toBe(accountKey('https://s.example', 'u1'));
    expect(accountKey('https://s.example', 'u1')).not.toBe(accountKey('https://t.example', 'u1'));
  });

  it('a server address must be an http(s) URL', () => {
    expect(serverUrlProblem('sync.example.com')).toMatch(/such as https:/);
    expect(serverUrlProblem('ftp://sync.example.com')).toMatch(/http:\/\/ or https:\/\//);
    expect(serverUrlProblem(' http://127.0.0.1:8787 ')).toBeUndefined();
  });
});
