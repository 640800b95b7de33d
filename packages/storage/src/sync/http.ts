// The wire client of "Sync wire protocol v1": one function per endpoint,
// responses checked with zod, every failure a SyncRequestError whose code
// says what the engine should do about it (retry, sign out, give up).
import type { z } from 'zod';
import {
  type AccountKeysResponse,
  accountKeysResponseSchema,
  type EncryptedData,
  type KeyMaterial,
} from '../crypto/wire.js';
import { ChatStorageError, type ChatStorageErrorCode } from '../errors.js';
import { describeZodError } from '../schema.js';
import type { RecordChange, ServerRecordChange } from '../types.js';
import {
  type AuthResponse,
  authResponseSchema,
  conversationsAnswerSchema,
  errorResponseSchema,
  type HealthResponse,
  healthResponseSchema,
  type MessagesReadRequest,
  messagesAnswerSchema,
  messagesReadAnswerSchema,
  pullAnswerSchema,
  pushResponseSchema,
  type Result,
} from './protocol.js';
import { type SyncTimers, systemTimers } from './timers.js';

/** A failed request: `status` is the HTTP status when there was a response. */
export class SyncRequestError extends ChatStorageError {
  constructor(
    code: ChatStorageErrorCode,
    message: string,
    readonly status?: number,
    /** How long the server asked us to wait (Retry-After), in ms. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }

  /** Worth trying again later: the network, the server or its rate limit, not the request itself. */
  get retryable(): boolean {
    return (
      this.code === 'network-error' ||
      this.code === 'server-error' ||
      this.code === 'rate-limited' ||
      this.code === 'bad-response'
    );
  }
}

/** A stale result's `current` that would not fit the server's answer: everything but its data. */
export type TruncatedChange = Omit<ServerRecordChange, 'data'> & { truncated: true };

/**
 * A change as pushed: a record as stored, or (end-to-end encrypted) its
 * envelope under an opaque project id, with a message's conversationId beside it.
 */
export type OutgoingChange = Omit<RecordChange, 'data'> & {
  conversationId?: string;
  data: RecordChange['data'] | EncryptedData;
};

export type PushResult = Omit<Result, 'current' | 'kind'> & {
  kind: string;
  current?: ServerRecordChange | TruncatedChange;
};
export interface PushResponse {
  results: PushResult[];
  cursor: string;
}
/** Pulled changes: only that each is an object is checked here; applyRemote checks each record in full (protocol.ts). */
export interface PullResponse {
  changes: ServerRecordChange[];
  cursor: string;
  hasMore: boolean;
}
export interface ConversationsResponse {
  changes: ServerRecordChange[];
  /** On the first page only. */
  cursor?: string;
  hasMore?: boolean;
}
export interface MessagesResponse {
  changes: ServerRecordChange[];
  hasMore: boolean;
}
/**
 * A page of one conversation's messages read latest first. `order` is
 * 'newest' when the server read them by descending id (go on with `before`
 * = `goOn`); absent when it has no such read and answered by ascending id
 * from the first (go on with `after` = `goOn`). `goOn` is the last id the
 * server listed, there whenever `hasMore` is.
 */
export interface LatestMessagesResponse {
  changes: ServerRecordChange[];
  hasMore: boolean;
  order?: 'newest';
  goOn?: string;
}
/** Messages of many conversations; each change names its conversation. */
export interface MessagesReadResponse {
  changes: (ServerRecordChange & { conversationId?: string })[];
  hasMore: boolean;
  next?: { conversationId: string; after: string };
}
export type { AccountKeysResponse, AuthResponse, HealthResponse, MessagesReadRequest };

export interface SyncClientOptions {
  serverUrl: string;
  fetch?: typeof fetch;
  timers?: SyncTimers;
  /** A request that has not answered by then counts as a network error. */
  requestTimeoutMs?: number;
}

export interface SyncClient {
  health(): Promise<HealthResponse>;
  signup(username: string, password: string): Promise<AuthResponse>;
  login(username: string, password: string): Promise<AuthResponse>;
  logout(token: string): Promise<void>;
  push(token: string, body: { clientId: string; changes: OutgoingChange[] }): Promise<PushResponse>;
  pull(token: string, since: string | undefined, limit: number): Promise<PullResponse>;
  /** Protocol 1.1: the user's conversation records in one snapshot, with its cursor (paged after `after` when given). */
  conversations(token: string, page?: { after?: string; limit?: number }): Promise<ConversationsResponse>;
  /** Protocol 1.1: a conversation's message records after message id `after`, ordered by id. */
  conversationMessages(
    token: string,
    conversationId: string,
    after: string | undefined,
    limit: number,
  ): Promise<MessagesResponse>;
  /**
   * Protocol 1.1 addition: a conversation's message records by descending id,
   * those before message id `before` (undefined: from the latest).
   */
  latestMessages(
    token: string,
    conversationId: string,
    before: string | undefined,
    limit: number,
  ): Promise<LatestMessagesResponse>;
  /** The account's end-to-end encryption keys (null when none are set) and their revision. */
  accountKeys(token: string): Promise<AccountKeysResponse>;
  /** Stores key material, changing it only from revision `previous` (409 `request-refused` otherwise). */
  putAccountKeys(
    token: string,
    body: { keys: KeyMaterial; encrypted: boolean; previous: number },
  ): Promise<AccountKeysResponse>;
  /** Forgets the keys and lets plaintext in again, from revision `previous`. */
  deleteAccountKeys(token: string, previous: number): Promise<AccountKeysResponse>;
  /**
   * Protocol 1.1: the message records of many conversations, in the order
   * named (POST /v1/sync/messages); `next` says where a cut-short answer goes on.
   */
  messagesOfMany(token: string, read: MessagesReadRequest): Promise<MessagesReadResponse>;
}

/** Parses `Retry-After`: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What a request sends: its method, the session token, and a body sent as JSON. */
interface ServerRequestInit {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  token?: string;
  body?: unknown;
}

/** One JSON request to the server: its answer checked with `schema` (null: no body expected). */
export type ServerRequest = <T>(
  path: string,
  init: ServerRequestInit,
  schema: z.ZodType<T> | null,
) => Promise<T>;

/**
 * Requests to the server at `opts.serverUrl` with the sync client's timeout
 * and errors (SyncRequestError), for every endpoint group (sync, share links).
 */
export function createServerRequest(opts: SyncClientOptions): ServerRequest {
  const base = normaliseServerUrl(opts.serverUrl);
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const timers = opts.timers ?? systemTimers;
  const timeoutMs = opts.requestTimeoutMs ?? 30_000;

  return async function request<T>(
    path: string,
    init: ServerRequestInit,
    schema: z.ZodType<T> | null,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = timers.setTimeout(() => controller.abort(), timeoutMs);
    const url = `${base}${path}`;
    try {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: init.method,
          headers,
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: controller.signal,
        });
      } catch (cause) {
        throw new SyncRequestError(
          'network-error',
          controller.signal.aborted
            ? `The sync server at ${base} did not answer within ${Math.round(timeoutMs / 1000)} s. Check your connection; changes stay saved on this device.`
            : `Could not reach the sync server at ${base}. Check your connection; changes stay saved on this device.`,
          undefined,
          undefined,
          { cause },
        );
      }
      let text: string;
      try {
        text = await response.text();
      } catch (cause) {
        // The connection broke while the body was arriving: nothing of it is used.
        throw new SyncRequestError(
          'network-error',
          `The connection to ${base} broke during a response. It will be retried.`,
          response.status,
          undefined,
          { cause },
        );
      }
      if (!response.ok) throw errorFromResponse(response, text, timers.now());
      if (schema === null) return undefined as T;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new SyncRequestError(
          'bad-response',
          `The sync server sent an incomplete or non-JSON answer to ${path}. It will be retried.`,
          response.status,
          undefined,
          { cause },
        );
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new SyncRequestError(
          'bad-response',
          `The sync server's answer to ${path} does not follow the sync protocol (${describeZodError(parsed.error)}). Is ${base} a Chatkeep server of a matching version?`,
          response.status,
        );
      }
      return parsed.data;
    } finally {
      timers.clearTimeout(timer);
    }
  };
}

export function createSyncClient(opts: SyncClientOptions): SyncClient {
  const request = createServerRequest(opts);
  return {
    health: () => request('/v1/health', { method: 'GET' }, healthResponseSchema),
    signup: (username, password) =>
      request('/v1/auth/signup', { method: 'POST', body: { username, password } }, authResponseSchema),
    login: (username, password) =>
      request('/v1/auth/login', { method: 'POST', body: { username, password } }, authResponseSchema),
    logout: (token) => request('/v1/auth/logout', { method: 'POST', token }, null),
    push: (token, body) =>
      request('/v1/sync/push', { method: 'POST', token, body }, pushResponseSchema) as Promise<PushResponse>,
    pull: (token, since, limit) => {
      const query = new URLSearchParams({ since: since ?? '0', limit: String(limit) });
      return request(
        `/v1/sync/pull?${query}`,
        { method: 'GET', token },
        pullAnswerSchema,
      ) as Promise<PullResponse>;
    },
    conversations: (token, page = {}) => {
      const query = new URLSearchParams();
      if (page.after !== undefined) query.set('after', page.after);
      if (page.limit !== undefined) query.set('limit', String(page.limit));
      const search = String(query) ? `?${query}` : '';
      return request(
        `/v1/sync/conversations${search}`,
        { method: 'GET', token },
        conversationsAnswerSchema,
      ) as Promise<ConversationsResponse>;
    },
    conversationMessages: (token, conversationId, after, limit) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (after !== undefined) query.set('after', after);
      return request(
        `/v1/sync/conversations/${encodeURIComponent(conversationId)}/messages?${query}`,
        { method: 'GET', token },
        messagesAnswerSchema,
      ) as Promise<MessagesResponse>;
    },
    latestMessages: async (token, conversationId, before, limit) => {
      const query = new URLSearchParams({ order: 'newest', limit: String(limit) });
      if (before !== undefined) query.set('before', before);
      const page = (await request(
        `/v1/sync/conversations/${encodeURIComponent(conversationId)}/messages?${query}`,
        { method: 'GET', token },
        messagesAnswerSchema,
      )) as MessagesResponse & { order?: 'newest' };
      const last = page.changes.at(-1)?.id;
      return {
        changes: page.changes,
        hasMore: page.hasMore,
        ...(page.order === 'newest' ? { order: 'newest' as const } : {}),
        ...(page.hasMore && last !== undefined ? { goOn: last } : {}),
      };
    },
    accountKeys: (token) => request('/v1/account/keys', { method: 'GET', token }, accountKeysResponseSchema),
    putAccountKeys: (token, body) =>
      request('/v1/account/keys', { method: 'PUT', token, body }, accountKeysResponseSchema),
    deleteAccountKeys: (token, previous) =>
      request(
        `/v1/account/keys?previous=${encodeURIComponent(String(previous))}`,
        { method: 'DELETE', token },
        accountKeysResponseSchema,
      ),
    messagesOfMany: (token, read) =>
      request(
        '/v1/sync/messages',
        { method: 'POST', token, body: read },
        messagesReadAnswerSchema,
      ) as Promise<MessagesReadResponse>,
  };
}

/** The server's base address without trailing slashes; a clear error for what is not an http(s) URL. */
export function normaliseServerUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new ChatStorageError(
      'invalid-input',
      `The sync server address ${JSON.stringify(serverUrl)} is not a URL. Use one like https://sync.example.com.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChatStorageError(
      'invalid-input',
      `The sync server address must start with http:// or https://, got ${JSON.stringify(serverUrl)}.`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function errorFromResponse(response: Response, text: string, now: number): SyncRequestError {
  const status = response.status;
  let detail = '';
  try {
    const body = errorResponseSchema.safeParse(JSON.parse(text));
    if (body.success) detail = body.data.error.message;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401) {
    return new SyncRequestError(
      'unauthorized',
      `The sync server no longer accepts this sign-in${suffix}. Sign in again to resume syncing.`,
      status,
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
    return new SyncRequestError(
      'rate-limited',
      `The sync server is busy (too many requests)${suffix}. Syncing resumes by itself shortly.`,
      status,
      retryAfterMs,
    );
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
    return new SyncRequestError(
      'server-error',
      `The sync server had a problem (HTTP ${status})${suffix}. Syncing will retry; changes stay saved on this device.`,
      status,
      retryAfterMs,
    );
  }
  return new SyncRequestError(
    'request-refused',
    `The sync server refused the request (HTTP ${status})${suffix}.`,
    status,
  );
}
