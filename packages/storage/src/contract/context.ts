// What every contract file gets: fresh databases per test, closed afterwards,
// and small builders for inputs.
import { afterEach, expect } from 'vitest';
import { ChatStorageError, type ChatStorageErrorCode } from '../errors.js';
import { formatHlc } from '../hlc.js';
import { newId } from '../ids.js';
import type { MessageInput, SyncableChatStorage } from '../types.js';

export interface ContractTarget {
  name: string;
  /** Opens (or reopens) the adapter for dbName; two opens of one dbName share data, like two tabs. */
  open(dbName: string): Promise<SyncableChatStorage>;
  /** Optional: an adapter whose backing store throws the platform's quota error once about `bytes` more bytes are written. */
  openWithQuota?(dbName: string, bytes: number): Promise<SyncableChatStorage>;
}

export interface ContractContext {
  readonly target: ContractTarget;
  /** A database name no other test uses. */
  newDbName(): string;
  /** Opens `dbName` (a fresh database when omitted); closed after the test. */
  open(dbName?: string): Promise<SyncableChatStorage>;
  /** Like open, with a byte budget; undefined when the target cannot simulate quota. */
  openWithQuota?: (bytes: number, dbName?: string) => Promise<SyncableChatStorage>;
}

let sequence = 0;

export function createContext(target: ContractTarget): ContractContext {
  const opened: SyncableChatStorage[] = [];
  afterEach(async () => {
    const all = opened.splice(0);
    // Already-closed adapters must tolerate a second close.
    await Promise.all(all.map((a) => a.close().catch(() => undefined)));
  });
  const newDbName = () => `contract-${Date.now().toString(36)}-${(sequence++).toString(36)}`;
  const track = (adapter: SyncableChatStorage) => {
    opened.push(adapter);
    return adapter;
  };
  const withQuota = target.openWithQuota?.bind(target);
  return {
    target,
    newDbName,
    open: async (dbName) => track(await target.open(dbName ?? newDbName())),
    openWithQuota: withQuota
      ? async (bytes, dbName) => track(await withQuota(dbName ?? newDbName(), bytes))
      : undefined,
  };
}

/** A valid message input for `conversation`, with explicit times so order is deterministic. */
export function messageInput(
  conversation: { id: string; projectId: string },
  overrides: Partial<MessageInput> = {},
): MessageInput {
  return {
    id: newId(),
    conversationId: conversation.id,
    projectId: conversation.projectId,
    role: 'user',
    content: 'hello',
    ...overrides,
  };
}

/** Awaits a rejection and checks it is a ChatStorageError with `code` (and a message matching `pattern`). */
export async function expectStorageError(
  promise: Promise<unknown>,
  code: ChatStorageErrorCode,
  pattern?: RegExp,
): Promise<ChatStorageError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a ChatStorageError '${code}'`).toBeInstanceOf(ChatStorageError);
  const error = caught as ChatStorageError;
  expect(error.code, error.message).toBe(code);
  if (pattern) expect(error.message).toMatch(pattern);
  return error;
}

/** A well-formed stamp from another device, `ms` milliseconds into the epoch. */
export function remoteStamp(ms: number, clientId = 'remote', counter = 0): string {
  return formatHlc({ ms, counter, clientId });
}

/** A time comfortably after anything the adapters stamp with the wall clock during a test. */
export const FAR_FUTURE = Date.now() + 3_600_000;
