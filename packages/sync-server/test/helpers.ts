// Shared test support: a real server on loopback over a temp SQLite file,
// a small HTTP client and builders for valid records and stamps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatHlc } from '@chatkeep/storage/protocol';
import { DEFAULT_ATTEMPT_LIMITS } from '../src/auth/attempt-limits.js';
import type { Change, PullResponse, PushResponse } from '../src/protocol.js';
import { type RunningServer, type StartServerOptions, startServer } from '../src/server.js';
import type { ValidChange } from '../src/store/types.js';

export function tempDir(prefix = 'chatkeep-server-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestServer extends RunningServer {
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Every test signs up from 127.0.0.1: the per-address sign-up limit is raised
 * unless a test sets the limits (the hardening tests check the defaults).
 */
const TEST_ATTEMPT_LIMITS = {
  ...DEFAULT_ATTEMPT_LIMITS,
  signupsPerAddress: { max: 10_000, windowMs: 60 * 60 * 1000 },
};

export async function startTestServer(opts: Partial<StartServerOptions> = {}): Promise<TestServer> {
  const dir = opts.dataDir ? undefined : tempDir();
  const dataDir = opts.dataDir ?? dir!.path;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    attemptLimits: TEST_ATTEMPT_LIMITS,
    ...opts,
    dataDir,
  });
  return {
    ...server,
    dataDir,
    stop: async () => {
      await server.close();
      dir?.remove();
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    headers: res.headers,
    body: (type.includes('json') && text ? JSON.parse(text) : text) as T,
  };
}

let userCounter = 0;

export async function signup(
  baseUrl: string,
  username = `user${process.pid}-${++userCounter}`,
  password = 'correct horse',
): Promise<{ token: string; userId: string; username: string }> {
  const res = await request<{ token: string; userId: string }>(baseUrl, 'POST', '/v1/auth/signup', {
    json: { username, password },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, username };
}

export function push(baseUrl: string, token: string, changes: unknown[], clientId = 'deviceA') {
  return request<PushResponse>(baseUrl, 'POST', '/v1/sync/push', { token, json: { clientId, changes } });
}

export function pull(baseUrl: string, token: string, query = '') {
  return request<PullResponse>(baseUrl, 'GET', `/v1/sync/pull${query}`, { token });
}

/** A stamp at `ms` (default now) with the given counter and client. */
export function stamp(ms = Date.now(), counter = 0, clientId = 'deviceA'): string {
  return formatHlc({ ms, counter, clientId });
}

export function conversationChange(
  id: string,
  hlc: string,
  fields: { title?: string; projectId?: string } = {},
): Change {
  const projectId = fields.projectId ?? 'default';
  return {
    kind: 'conversation',
    id,
    projectId,
    hlc,
    deleted: false,
    data: {
      id,
      projectId,
      title: fields.title ?? `Conversation ${id}`,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
      archived: false,
      pinned: false,
      tags: [],
    },
  };
}

export function messageChange(
  id: string,
  conversationId: string,
  hlc: string,
  fields: { content?: string; projectId?: string } = {},
): Change {
  const projectId = fields.projectId ?? 'default';
  return {
    kind: 'message',
    id,
    projectId,
    hlc,
    deleted: false,
    data: {
      id,
      conversationId,
      projectId,
      role: 'user',
      content: fields.content ?? `Message ${id}`,
      status: 'complete',
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
    },
  };
}

/** A wire change as the push route hands it to a store: data as JSON text. */
export function storedForm(change: Change): ValidChange {
  const conversationId = change.conversationId ?? (change.data?.conversationId as string | undefined);
  return {
    ...change,
    ...(change.kind === 'message' && conversationId !== undefined ? { conversationId } : {}),
    data: change.data === null ? null : JSON.stringify(change.data),
  };
}

export function tombstone(
  kind: 'conversation' | 'message',
  id: string,
  hlc: string,
  projectId = 'default',
): Change {
  return { kind, id, projectId, hlc, deleted: true, data: null };
}

/** Every change of the user, following cursors page by page. */
export async function pullAll(baseUrl: string, token: string, limit = 1000) {
  const changes: PullResponse['changes'] = [];
  let cursor = '0';
  let pages = 0;
  for (;;) {
    const res = await pull(baseUrl, token, `?since=${cursor}&limit=${limit}`);
    if (res.status !== 200) throw new Error(`pull failed: ${res.status} ${JSON.stringify(res.body)}`);
    changes.push(...res.body.changes);
    cursor = res.body.cursor;
    pages++;
    if (!res.body.hasMore) return { changes, cursor, pages };
  }
}

/** A push of a body written by hand (JSON text), for what JSON.stringify cannot produce. */
export function pushText(baseUrl: string, token: string, body: string) {
  return request<PushResponse>(baseUrl, 'POST', '/v1/sync/push', {
    token,
    body,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** A pull answer as the exact text the server sent. */
export async function pullText(baseUrl: string, token: string, query = '') {
  const res = await fetch(`${baseUrl}/v1/sync/pull${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: res.status, text: await res.text() };
}

/** A message change as JSON text around `data` given as text: `data` reaches the server exactly as written. */
export function messageChangeText(id: string, hlc: string, data: string, conversationId = 'c-text'): string {
  return `{"kind":"message","id":${JSON.stringify(id)},"projectId":"default","conversationId":${JSON.stringify(conversationId)},"hlc":${JSON.stringify(hlc)},"deleted":false,"data":${data}}`;
}

/** A push body of changes given as JSON text. */
export function pushBody(changes: string[], clientId = 'deviceA'): string {
  return `{"clientId":${JSON.stringify(clientId)},"changes":[${changes.join(',')}]}`;
}
