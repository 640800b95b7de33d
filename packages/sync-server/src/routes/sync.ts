// POST /v1/sync/push and GET /v1/sync/pull for the signed-in user.
import { describeZodError, isValidClientId } from '@chatkeep/storage';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { HttpError } from '../errors.js';
import { readJson } from '../json-body.js';
import {
  DEFAULT_PULL_LIMIT,
  MAX_CHANGES_PER_PUSH,
  MAX_PULL_LIMIT,
  type PullResponse,
  type PushResponse,
  pullQuerySchema,
  pushRequestSchema,
  type Result,
} from '../protocol.js';
import type { SyncStore, ValidChange } from '../store/types.js';
import { decodeCursor, encodeCursor } from '../sync/cursor.js';
import { type ChangeCheck, checkChange } from '../sync/validate-change.js';

export function syncRoutes({ store, now = Date.now }: { store: SyncStore; now?: () => number }) {
  const app = new Hono<AppEnv>();

  app.post('/push', async (c) => {
    const { clientId, changes } = await readJson(c, pushRequestSchema);
    if (!isValidClientId(clientId)) {
      throw new HttpError(
        400,
        'invalid-request',
        'clientId must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -.',
      );
    }
    if (changes.length > MAX_CHANGES_PER_PUSH) {
      throw new HttpError(
        413,
        'payload-too-large',
        `A push may carry at most ${MAX_CHANGES_PER_PUSH} changes (this one has ${changes.length}); send them in smaller batches.`,
      );
    }
    const at = now();
    const checks: ChangeCheck[] = changes.map((raw) => checkChange(raw, at));
    const valid = checks.filter((x): x is Extract<ChangeCheck, { ok: true }> => x.ok).map((x) => x.change);
    const userId = c.get('userId');
    const outcomes = await store.push(userId, valid);
    let next = 0;
    const results: Result[] = checks.map((check) => {
      if (!check.ok) return { kind: check.kind, id: check.id, status: 'rejected', reason: check.reason };
      const change: ValidChange = check.change;
      const outcome = outcomes[next++]!;
      return { kind: change.kind, id: change.id, ...outcome };
    });
    // The greatest version this user has: a high-water mark, not a pull cursor
    // (changes from other devices below it may not have been pulled yet).
    const body: PushResponse = { results, cursor: encodeCursor(await store.maxVersion(userId)) };
    return c.json(body, 200);
  });

  app.get('/pull', async (c) => {
    const query = pullQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      throw new HttpError(400, 'invalid-request', `Invalid pull query: ${describeZodError(query.error)}`);
    }
    const since = decodeCursor(query.data.since);
    const limit = Math.min(query.data.limit ?? DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);
    const page = await store.pull(c.get('userId'), since, limit);
    const last = page.changes.at(-1)?.version ?? since;
    const body: PullResponse = { changes: page.changes, cursor: encodeCursor(last), hasMore: page.hasMore };
    return c.json(body, 200);
  });

  return app;
}
