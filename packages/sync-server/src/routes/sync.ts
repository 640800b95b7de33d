// POST /v1/sync/push, GET /v1/sync/pull and the bootstrap reads
// (GET /v1/sync/conversations, /v1/sync/conversations/:id/messages, and
// POST /v1/sync/messages for many conversations at once) for the
// signed-in user. Answers are written by sync/answer.ts, which keeps them
// within the answer limit and returns each record's data as the text it was
// pushed with.
import { describeZodError, isValidClientId } from '@chatkeep/storage/protocol';
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { HttpError } from '../errors.js';
import { readJson, readText } from '../json-body.js';
import {
  DEFAULT_PULL_LIMIT,
  MAX_PULL_LIMIT,
  MAX_PUSH_BYTES,
  messagesQuerySchema,
  messagesReadRequestSchema,
  pageByIdQuerySchema,
  pullQuerySchema,
} from '../protocol.js';
import type { SyncStore, ValidChange } from '../store/types.js';
import {
  type AnsweredResult,
  conversationsAnswer,
  manyMessagesAnswer,
  messagesAnswer,
  pullAnswer,
  pullDataBudget,
  pushAnswer,
} from '../sync/answer.js';
import { decodeCursor } from '../sync/cursor.js';
import { readPushBody } from '../sync/push-body.js';
import { type ChangeCheck, checkChange, idProblem } from '../sync/validate-change.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };

/**
 * Conversations per bootstrap page, by default and at most. Conversation
 * records are small, so nearly every user gets them all in the first page;
 * beyond this many, or past the answer limit, the answer is paged by id.
 */
export const CONVERSATIONS_PAGE_LIMIT = 5000;

/** `after` (an id, '' when omitted) and `limit` of a page read by id; 400 with what to fix when bad. */
function pageByIdQuery(c: Context<AppEnv>, what: string, defaultLimit: number, maxLimit: number) {
  const query = pageByIdQuerySchema.safeParse(c.req.query());
  if (!query.success) {
    throw new HttpError(400, 'invalid-request', `Invalid ${what}s query: ${describeZodError(query.error)}`);
  }
  const after = query.data.after ?? '';
  const afterIssue = after === '' ? undefined : idProblem(after);
  if (afterIssue) {
    throw new HttpError(
      400,
      'invalid-request',
      `after is a ${what} id and ${afterIssue}; omit it to start from the first ${what}.`,
    );
  }
  return { after, limit: Math.min(query.data.limit ?? defaultLimit, maxLimit) };
}

/**
 * `order` (oldest unless asked) and `before` (a message id, '' when omitted)
 * of a conversation's messages read; `before` goes only with newest first,
 * `after` only with oldest first.
 */
function messagesOrder(c: Context<AppEnv>) {
  const query = messagesQuerySchema.safeParse(c.req.query());
  if (!query.success) {
    throw new HttpError(400, 'invalid-request', `Invalid messages query: ${describeZodError(query.error)}`);
  }
  const order = query.data.order ?? 'oldest';
  const before = query.data.before ?? '';
  if (before !== '' && order !== 'newest') {
    throw new HttpError(400, 'invalid-request', 'before goes with order=newest; by ascending id use after.');
  }
  if ((query.data.after ?? '') !== '' && order === 'newest') {
    throw new HttpError(
      400,
      'invalid-request',
      'after reads by ascending id; with order=newest go on with before=<the last id received>.',
    );
  }
  const beforeIssue = before === '' ? undefined : idProblem(before);
  if (beforeIssue) {
    throw new HttpError(
      400,
      'invalid-request',
      `before is a message id and ${beforeIssue}; omit it to start from the latest message.`,
    );
  }
  return { order, before };
}

export function syncRoutes({
  store,
  now = Date.now,
  maxRecordBytes,
}: {
  store: SyncStore;
  now?: () => number;
  /** Below the protocol's 4 MiB when the server is set to take less. */
  maxRecordBytes?: number;
}) {
  const app = new Hono<AppEnv>();

  app.post('/push', async (c) => {
    const { clientId, changes } = readPushBody(await readText(c, MAX_PUSH_BYTES));
    if (typeof clientId !== 'string' || !isValidClientId(clientId)) {
      throw new HttpError(
        400,
        'invalid-request',
        'clientId must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -.',
      );
    }
    const at = now();
    const checks: ChangeCheck[] = changes.map((raw) => checkChange(raw, at, maxRecordBytes));
    const valid = checks.filter((x): x is Extract<ChangeCheck, { ok: true }> => x.ok).map((x) => x.change);
    const userId = c.get('userId');
    const outcomes = await store.push(userId, valid);
    let next = 0;
    const results: AnsweredResult[] = checks.map((check) => {
      if (!check.ok) {
        const { ok: _, ...refused } = check;
        return { ...refused, status: 'rejected' };
      }
      const change: ValidChange = check.change;
      return { kind: change.kind, id: change.id, ...outcomes[next++]! };
    });
    // The greatest version this user has: a high-water mark, not a pull cursor
    // (changes from other devices below it may not have been pulled yet).
    const body = await pushAnswer(results, await store.maxVersion(userId), async (head) => {
      const stored = await store.readRecord(userId, head.kind, head.id);
      return stored?.version === head.version ? stored.data : undefined;
    });
    return c.body(body, 200, JSON_TYPE);
  });

  app.get('/pull', async (c) => {
    const query = pullQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      throw new HttpError(400, 'invalid-request', `Invalid pull query: ${describeZodError(query.error)}`);
    }
    const since = decodeCursor(query.data.since);
    const limit = Math.min(query.data.limit ?? DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);
    const page = await store.pull(c.get('userId'), since, limit, pullDataBudget(limit));
    return c.body(pullAnswer(page, since), 200, JSON_TYPE);
  });

  app.get('/conversations', async (c) => {
    const { after, limit } = pageByIdQuery(
      c,
      'conversation',
      CONVERSATIONS_PAGE_LIMIT,
      CONVERSATIONS_PAGE_LIMIT,
    );
    const page = await store.conversationPage(c.get('userId'), after, limit, pullDataBudget(limit));
    return c.body(conversationsAnswer(page, after === ''), 200, JSON_TYPE);
  });

  app.get('/conversations/:id/messages', async (c) => {
    const conversationId = c.req.param('id');
    const idIssue = idProblem(conversationId);
    if (idIssue) throw new HttpError(400, 'invalid-request', `The conversation id ${idIssue}.`);
    const { order, before } = messagesOrder(c);
    const { after, limit } = pageByIdQuery(c, 'message', DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);
    const userId = c.get('userId');
    const budget = pullDataBudget(limit);
    if (order === 'newest') {
      const page = await store.messagesNewestOf(userId, conversationId, before, limit, budget);
      return c.body(messagesAnswer(page, 'newest'), 200, JSON_TYPE);
    }
    const page = await store.messagesOf(userId, conversationId, after, limit, budget);
    return c.body(messagesAnswer(page), 200, JSON_TYPE);
  });

  app.post('/messages', async (c) => {
    const body = await readJson(c, messagesReadRequestSchema);
    const limit = Math.min(body.limit ?? DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);
    const page = await store.messagesOfMany(
      c.get('userId'),
      body.conversations,
      body.after ?? '',
      limit,
      pullDataBudget(limit),
    );
    return c.body(manyMessagesAnswer(page), 200, JSON_TYPE);
  });

  return app;
}
