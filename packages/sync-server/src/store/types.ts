// What the routes need from storage. SQLite implements it today; another
// database only has to implement this interface (and reuse sync/resolve.ts).
import type { Change, ServerChange } from '../protocol.js';

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: number;
}

export interface UserSummary {
  id: string;
  username: string;
  createdAt: number;
  records: number;
}

/** A change that passed validation; `conversationId` is set for message puts. */
export interface ValidChange extends Change {
  conversationId?: string;
}

export type PushOutcome =
  | { status: 'applied'; version: number }
  | { status: 'stale'; current: ServerChange }
  | { status: 'rejected'; reason: string };

export interface PullPage {
  changes: ServerChange[];
  hasMore: boolean;
}

export class UsernameTakenError extends Error {
  override readonly name = 'UsernameTakenError';
}

export interface SyncStore {
  /** Throws UsernameTakenError when the name is in use. */
  createUser(user: UserRecord): Promise<void>;
  findUserByName(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserSummary[]>;
  /** Removes the user, their sessions and their records. False when there was no such user. */
  removeUser(username: string): Promise<boolean>;

  createSession(tokenHash: string, userId: string, createdAt: number): Promise<void>;
  findSessionUser(tokenHash: string): Promise<string | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  /** Applies a batch in one transaction, answering one outcome per change, in order. */
  push(userId: string, changes: ValidChange[]): Promise<PushOutcome[]>;
  /** The user's changes with version > since, ascending, at most `limit`. */
  pull(userId: string, since: number, limit: number): Promise<PullPage>;
  /** The greatest version among the user's records (0 when none). */
  maxVersion(userId: string): Promise<number>;

  close(): Promise<void>;
}
