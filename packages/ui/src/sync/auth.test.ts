// @vitest-environment node
// Against the real sync server on loopback (Node's own fetch).
import { createSyncClient } from '@chatkeep/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSyncServer, startSyncServer } from '../../test/sync-server.js';
import { AuthError, authenticate, credentialsProblem, endSession } from './auth.js';

let server: RunningSyncServer;
let closedServer: RunningSyncServer;
const PASSWORD = 'long enough password';
let n = 0;
const user = () => `user${++n}-${Date.now().toString(36)}`;

beforeAll(async () => {
  [server, closedServer] = await Promise.all([startSyncServer(), startSyncServer({ signup: 'closed' })]);
});
afterAll(async () => {
  await Promise.all([server?.close(), closedServer?.close()]);
});

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('auth', () => {
  it('sign up returns an account whose token syncs; sign in returns another token for the same user', async () => {
    const name = user();
    const signedUp = await authenticate('signup', name, PASSWORD, { serverUrl: server.url });
    expect(signedUp.username).toBe(name);
    const client = createSyncClient({ serverUrl: server.url });
    await expect(client.pull(signedUp.token, undefined, 10)).resolves.toMatchObject({ changes: [] });
    const signedIn = await authenticate('login', `  ${name} `, PASSWORD, { serverUrl: server.url });
    expect(signedIn.userId).toBe(signedUp.userId);
    expect(signedIn.token).not.toBe(signedUp.token);
  });

  it('a wrong password says so, without telling which part was wrong', async () => {
    const name = user();
    await authenticate('signup', name, PASSWORD, { serverUrl: server.url });
    const error = await failure(authenticate('login', name, 'not the password', { serverUrl: server.url }));
    expect(error.code).toBe('wrong-password');
    expect(error.message).toContain('Wrong username or password');
  });

  it('a taken username suggests another one or signing in', async () => {
    const name = user();
    await authenticate('signup', name, PASSWORD, { serverUrl: server.url });
    const error = await failure(authenticate('signup', name, PASSWORD, { serverUrl: server.url }));
    expect(error.code).toBe('username-taken');
    expect(error.message).toMatch(/already taken.*sign in/);
  });

  it('a server with signup closed says to ask its administrator', async () => {
    const error = await failure(authenticate('signup', user(), PASSWORD, { serverUrl: closedServer.url }));
    expect(error.code).toBe('signup-closed');
    expect(error.message).toContain('administrator');
  });

  it('an unreachable server names the address to check', async () => {
    const error = await failure(
      authenticate('login', 'someone', PASSWORD, { serverUrl: 'http://127.0.0.1:9' }),
    );
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('Cannot reach the sync server at http://127.0.0.1:9');
  });

  it('signing out ends the session on the server: the token stops working', async () => {
    const account = await authenticate('signup', user(), PASSWORD, { serverUrl: server.url });
    await expect(endSession(account, { serverUrl: server.url })).resolves.toBe(true);
    const client = createSyncClient({ serverUrl: server.url });
    await expect(client.pull(account.token, undefined, 10)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('signing out of an unreachable server still resolves (this browser forgets the token anyway)', async () => {
    await expect(
      endSession({ username: 'x', userId: 'u', token: 't' }, { serverUrl: 'http://127.0.0.1:9' }),
    ).resolves.toBe(false);
  });
});

describe('credentialsProblem', () => {
  it('asks for what is missing before any request', () => {
    expect(credentialsProblem('login', ' ', 'x')).toBe('Enter your username.');
    expect(credentialsProblem('login', 'ann', '')).toBe('Enter your password.');
    expect(credentialsProblem('login', 'ann', 'short')).toBeUndefined();
  });

  it('applies the server’s signup rules: username characters and password length', () => {
    expect(credentialsProblem('signup', 'ann smith', PASSWORD)).toMatch(/no spaces/);
    expect(credentialsProblem('signup', 'ann', 'short')).toMatch(/at least 8/);
    expect(credentialsProblem('signup', 'ann', PASSWORD)).toBeUndefined();
  });
});
