// Creating accounts and checking credentials: the one path used by both the
// signup/login routes and the admin CLI.
import { newId } from '@chatkeep/storage';
import { HttpError } from '../errors.js';
import type { SyncStore, UserRecord } from '../store/types.js';
import { UsernameTakenError } from '../store/types.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import { normalizeUsername, passwordProblem, usernameProblem } from './rules.js';

export async function createAccount(
  store: SyncStore,
  rawUsername: string,
  password: string,
): Promise<UserRecord> {
  const username = normalizeUsername(rawUsername);
  const problem = usernameProblem(username) ?? passwordProblem(password);
  if (problem) throw new HttpError(400, 'invalid-request', problem);
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
  rawUsername: string,
  password: string,
): Promise<UserRecord | undefined> {
  const user = await store.findUserByName(normalizeUsername(rawUsername));
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  return ok && user ? user : undefined;
}
