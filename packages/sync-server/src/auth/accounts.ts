// Creating accounts and checking credentials: the one path used by both the
// signup/login routes and the admin CLI.
import { newId } from '@chatkeep/storage/protocol';
import { HttpError } from '../errors.js';
import type { SyncStore, UserRecord } from '../store/types.js';
import { UsernameTakenError } from '../store/types.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import { normalizeUsername, passwordProblem, usernameProblem } from './rules.js';

/** Credentials that passed the username and password rules; the username normalised. */
export interface CheckedCredentials {
  readonly username: string;
  readonly password: string;
}

/** Applies the rules before anything else happens to the input; 400 with what to fix. */
export function checkCredentialRules(rawUsername: string, password: string): CheckedCredentials {
  const username = normalizeUsername(rawUsername);
  const problem = usernameProblem(username) ?? passwordProblem(password);
  if (problem) throw new HttpError(400, 'invalid-request', problem);
  return { username, password };
}

export async function createAccount(store: SyncStore, credentials: CheckedCredentials): Promise<UserRecord> {
  const { username, password } = credentials;
  const user: UserRecord = {
    id: newId(),
    username,
    passwordHash: await hashPassword(password),
    createdAt: Date.now(),
  };
  try {
    await store.createUser(user);
  } catch (error) {
    if (error instanceof UsernameTakenError) {
      throw new HttpError(
        409,
        'username-taken',
        `The username ${username} is taken; choose another one or log in.`,
      );
    }
    throw error;
  }
  return user;
}

/** The user when the password matches; costs the same for unknown usernames. */
export async function checkCredentials(
  store: SyncStore,
  { username, password }: CheckedCredentials,
): Promise<UserRecord | undefined> {
  const user = await store.findUserByName(username);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  return ok && user ? user : undefined;
}
