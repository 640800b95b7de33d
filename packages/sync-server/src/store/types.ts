// What the routes need from storage. SQLite (store/sqlite.ts) and PostgreSQL
// (store/pg.ts) implement it; both apply changes through sync/apply-change.ts
// and are held to the same rules by test/store-contract.ts.
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
  /** `code` names a refusal a client acts on (`encryption-required`: the account refuses plaintext). */
  | { status: 'rejected'; reason: string; code?: 'encryption-required' };

export interface PullPage {
  changes: StoredChange[];
  hasMore: boolean;
}

/** A login: the token is known only by its hash; `id` is what the user sees and may end. */
export interface SessionRecord {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number;
  /** The User-Agent the session was created with (shortened), to tell devices apart. */
  userAgent: string | null;
}

/** One rate limit: at most `max` attempts under (scope, key) in any `windowMs`. */
export interface AttemptWindow {
  scope: 'login-username' | 'login-address' | 'signup-address';
  key: string;
  max: number;
  windowMs: number;
}

export type AttemptOutcome =
  | { allowed: true; ids: number[] }
  | { allowed: false; window: AttemptWindow; retryAfterMs: number };

/** A page of a user's conversation records, by id, and the version of the snapshot it was read in. */
export interface ConversationPage extends PullPage {
  version: number;
}

/**
 * A commit raised `userId`'s greatest version to `version` (on this instance
 * or, with a shared database, on any). `resync` means notices may have been
 * missed (the database connection that carries them was lost and is back):
 * listeners should treat every user as changed.
 */
export type ChangeNotice = { userId: string; version: number } | { resync: true };

/** A user's end-to-end encryption keys as stored; no row reads as revision 0 with no keys. */
export interface AccountKeysRecord {
  /** The key material's JSON text, exactly as accepted; null when there is none (never set, or removed). */
  material: string | null;
  /** Whether pushes of plaintext are refused. */
  encrypted: boolean;
  /** Raised by every write: a device changes the keys only from the revision it has read. */
  revision: number;
  updatedAt: number;
}

/** The new state a keys write sets. `encrypted` is never true without material. */
export interface AccountKeysWrite {
  material: string | null;
  encrypted: boolean;
}

export type AccountKeysOutcome =
  | { ok: true; record: AccountKeysRecord }
  /** Another write came first: `current` is what is stored now. */
  | { ok: false; current: AccountKeysRecord };

/** An encrypted share as stored; `data` is null once revoked. */
export interface ShareRecord {
  id: string;
  userId: string;
  data: string | null;
  /** Bytes of the ciphertext envelope's JSON text. */
  size: number;
  createdAt: number;
  revokedAt: number | null;
}

export class UsernameTakenError extends Error {
  override readonly name = 'UsernameTakenError';
}

export interface SyncStore {
  /** Which database holds the data, as /v1/health reports it. */
  readonly kind: 'sqlite' | 'postgres';

  /** Throws UsernameTakenError when the name is in use. */
  createUser(user: UserRecord): Promise<void>;
  findUserByName(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserSummary[]>;
  /** Removes the user, their sessions and their records. False when there was no such user. */
  removeUser(username: string): Promise<boolean>;

  /**
   * Stores a new session; when the user then has more than `maxPerUser`,
   * their least recently used sessions end.
   */
  createSession(session: SessionRecord, maxPerUser: number): Promise<void>;
  /** The session of a token hash, unless it was last used before `usedSince` (expired). */
  findSession(tokenHash: string, usedSince: number): Promise<SessionRecord | undefined>;
  /** Sets the session's lastUsedAt. */
  touchSession(id: string, at: number): Promise<void>;
  /** The user's sessions used since `usedSince`, most recently used first. */
  listSessions(userId: string, usedSince: number): Promise<SessionRecord[]>;
  /** Ends one of the user's sessions. False when the user has no session with that id. */
  deleteSession(userId: string, id: string): Promise<boolean>;
  /** Removes every session last used before `before` (expired ones). */
  pruneSessions(before: number): Promise<void>;
  /** Which of these session ids still exist and were used since `usedSince`. */
  liveSessionIds(ids: string[], usedSince: number): Promise<Set<string>>;

  /**
   * Counts one attempt against each window, atomically and across every
   * server instance sharing the store: when any window already holds `max`
   * attempts newer than `now - windowMs`, nothing is recorded and the answer
   * says how long until that window has room. Attempts older than the
   * longest window are pruned, so the bookkeeping stays bounded.
   */
  takeAttempt(windows: AttemptWindow[], now: number): Promise<AttemptOutcome>;
  /** Forgets recorded attempts (a login that succeeded does not count as a failure). */
  releaseAttempt(ids: number[]): Promise<void>;

  /** The user's key material and encryption setting (revision 0, no material, when never set). */
  readAccountKeys(userId: string): Promise<AccountKeysRecord>;
  /**
   * Sets the user's keys when the stored revision is `previous` (compare and
   * set), answering the new record; otherwise changes nothing and answers
   * what is stored. Serialised with the user's pushes: a push committed after
   * it sees the new setting.
   */
  writeAccountKeys(
    userId: string,
    previous: number,
    next: AccountKeysWrite,
    at: number,
  ): Promise<AccountKeysOutcome>;

  createShare(share: ShareRecord): Promise<void>;
  /** Any user's share by id (shares are read without an account). */
  readShare(id: string): Promise<ShareRecord | undefined>;
  /** The user's shares, newest first, without their data. */
  listShares(userId: string): Promise<Omit<ShareRecord, 'data'>[]>;
  /** Revokes one of the user's shares (erasing its data). False when the user has no share with that id. */
  revokeShare(userId: string, id: string, at: number): Promise<boolean>;

  /**
   * Applies a batch in one transaction, answering one outcome per change, in
   * order. When the user's account refuses plaintext (read inside the same
   * transaction), a put whose data is not an encrypted envelope is rejected.
   */
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
  /**
   * The user's conversation records (tombstones included) with id greater
   * than `after`, by id, at most `limit`, stopping before the data text
   * passes `maxDataBytes` (never before the first); read in one snapshot
   * together with the user's greatest version in that snapshot.
   */
  conversationPage(
    userId: string,
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<ConversationPage>;
  /**
   * The message records of one conversation (tombstones included) with id
   * greater than `after`, by id, at most `limit`, stopping before the data
   * text passes `maxDataBytes` (never before the first).
   */
  messagesOf(
    userId: string,
    conversationId: string,
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage>;
  /**
   * The same records by descending id: those with id less than `before`
   * ('' for the latest on), so that a conversation's latest page comes first.
   */
  messagesNewestOf(
    userId: string,
    conversationId: string,
    before: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage>;
  /**
   * The message records (tombstones included) of several conversations, one
   * conversation after another in the order given, each by id, starting
   * after message `after` of the first ('' for all of it); at most `limit`,
   * stopping before the data text passes `maxDataBytes` (never before the
   * first). Every change carries its conversationId, so a page cut short
   * says where to go on.
   */
  messagesOfMany(
    userId: string,
    conversationIds: readonly string[],
    after: string,
    limit: number,
    maxDataBytes: number,
  ): Promise<PullPage>;
  /**
   * Calls `listener` after every commit that raises a user's greatest
   * version, wherever it was committed; answers the function that stops it.
   */
  onChange(listener: (notice: ChangeNotice) => void): () => void;

  close(): Promise<void>;
}
