// Sign up, sign in and sign out against the sync server (DESIGN.md
// /v1/auth/*), through the storage package's wire client. Every failure
// becomes one sentence saying what happened and what to do.
import { createSyncClient, SyncRequestError } from '@chatkeep/storage';
import type { SyncAccount } from './sync-settings.js';

export type AuthAction = 'signup' | 'login';

interface AuthOptions {
  serverUrl: string;
  fetch?: typeof fetch;
}

const USERNAME = /^[a-z0-9._@-]{3,64}$/i;
const MIN_PASSWORD = 8;

/** Checks what the server would refuse, before asking it. */
export function credentialsProblem(
  action: AuthAction,
  username: string,
  password: string,
): string | undefined {
  const name = username.trim();
  if (!name) return 'Enter your username.';
  if (!password) return 'Enter your password.';
  if (action === 'signup') {
    if (!USERNAME.test(name)) {
      return 'Choose a username of 3 to 64 characters: letters, digits and . _ @ - (no spaces).';
    }
    if (password.length < MIN_PASSWORD) return `Choose a password of at least ${MIN_PASSWORD} characters.`;
  }
  return undefined;
}

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code:
      | 'invalid-input'
      | 'wrong-password'
      | 'username-taken'
      | 'signup-closed'
      | 'unreachable'
      | 'rate-limited'
      | 'server-error',
    message: string,
  ) {
    super(message);
  }
}

export async function authenticate(
  action: AuthAction,
  username: string,
  password: string,
  opts: AuthOptions,
): Promise<SyncAccount> {
  const problem = credentialsProblem(action, username, password);
  if (problem) throw new AuthError('invalid-input', problem);
  const name = username.trim();
  try {
    const client = createSyncClient({
      serverUrl: opts.serverUrl,
      fetch: opts.fetch,
      requestTimeoutMs: 15_000,
    });
    const { token, userId } =
      action === 'signup' ? await client.signup(name, password) : await client.login(name, password);
    return { username: name, userId, token };
  } catch (error) {
    throw toAuthError(action, name, opts.serverUrl, error);
  }
}

/**
 * Ends the session on the server, so the token stops working. Signing out
 * never fails for the person: unreachable or already expired, this browser
 * forgets the token anyway. Resolves with whether the server confirmed it.
 */
export async function endSession(account: SyncAccount, opts: AuthOptions): Promise<boolean> {
  try {
    await createSyncClient({ serverUrl: opts.serverUrl, fetch: opts.fetch, requestTimeoutMs: 10_000 }).logout(
      account.token,
    );
    return true;
  } catch {
    return false;
  }
}

function toAuthError(action: AuthAction, username: string, serverUrl: string, error: unknown): AuthError {
  if (!(error instanceof SyncRequestError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new AuthError('invalid-input', message);
  }
  switch (error.code) {
    case 'network-error':
      return new AuthError(
        'unreachable',
        `Cannot reach the sync server at ${serverUrl}. Check the address and your connection, then try again.`,
      );
    case 'unauthorized':
      return new AuthError('wrong-password', 'Wrong username or password. Check both and try again.');
    case 'rate-limited':
      return new AuthError(
        'rate-limited',
        'Too many attempts. Wait a minute, then try again (check the username and password meanwhile).',
      );
    case 'bad-response':
      return new AuthError(
        'server-error',
        `${serverUrl} does not answer like a Chatkeep sync server. Check the address.`,
      );
    case 'server-error':
      return new AuthError('server-error', error.message);
    default:
      break;
  }
  if (error.status === 403 && action === 'signup') {
    return new AuthError(
      'signup-closed',
      'This server does not accept new accounts (signup is closed). Ask its administrator for an account, then sign in.',
    );
  }
  if (error.status === 409 && action === 'signup') {
    return new AuthError(
      'username-taken',
      `The username “${username}” is already taken on this server. Choose another, or sign in if it is yours.`,
    );
  }
  if (error.status === 404) {
    return new AuthError(
      'server-error',
      `${serverUrl} has no Chatkeep sync API (HTTP 404). Check the address.`,
    );
  }
  // 400: the server's message names the rule (username characters, password length).
  return new AuthError('invalid-input', error.message);
}
