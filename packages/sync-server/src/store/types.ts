// What the routes need from storage. SQLite implements it today; another
// database only has to implement this interface (and reuse sync/resolve.ts).
import type { RecordKind } from '../protocol.js';

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

/**
 * A change that passed validation. `data` is the record's JSON text exactly
 * as the client sent it (null for a delete): stores keep and return that
 * text, never a re-serialised copy. `conversationId` is set for message puts.
 */
export interface ValidChange {
  kind: RecordKind;
  id: string;
  projectId: string;
  conversationId?: string;
  hlc: string;
  deleted: boolean;
  data: string | null;
}

/** What is stored of a record besides its data. */
export interface RecordHead {
  kind: RecordKind;
  id: string;
  projectId: string;
  /** The conversation of a message; null for conversations. */
  conversationId: string | null;
  hlc: string;
  deleted: boolean;
  version: number;
}

/** A stored record with its data as the JSON text it was pushed with. */
export interface StoredChange extends RecordHead {
  data: string | null;
}

export type PushOutcome =
  | { status: 'applied'; version: number }
  /** `current` is the newer stored record without its data, which the route reads only if it fits the answer. */
  | { status: 'stale'; current: RecordHead }
  | { status: 'rejected'; reason: string };

export interface PullPage {
  changes: StoredChange[];
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
  /**
   * The user's changes with version > since, ascending, at most `limit`, and
   * stopping before the data text passes `maxDataBytes` (UTF-8), though never
   * before the first change.
   */
  pull(userId: string, since: number, limit: number, maxDataBytes: number): Promise<PullPage>;
  /** One stored record with its data, or undefined. */
  readRecord(userId: string, kind: RecordKind, id: string): Promise<StoredChange | undefined>;
  /** The greatest version among the user's records (0 when none). */
  maxVersion(userId: string): Promise<number>;

  close(): Promise<void>;
}
