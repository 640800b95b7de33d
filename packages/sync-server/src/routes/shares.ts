// Share links: POST /v1/shares stores an encrypted snapshot for its owner,
// GET /v1/shares/:id serves it to anyone holding the link (the key is in the
// link's fragment, which browsers never send), GET /v1/shares lists the
// owner's and DELETE /v1/shares/:id revokes one (410 from then on).
import { randomBytes } from 'node:crypto';
import { describeZodError } from '@chatkeep/storage/protocol';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { HttpError } from '../errors.js';
import { readText } from '../json-body.js';
import { MAX_SHARE_BYTES, type SharesResponse, shareBodySchema } from '../protocol.js';
import type { SyncStore } from '../store/types.js';

const JSON_TYPE = 'application/json';
/** 128 random bits: a share id cannot be guessed. */
const SHARE_ID = /^[A-Za-z0-9_-]{22}$/;

function shareId(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!SHARE_ID.test(id)) {
    throw new HttpError(
      404,
      'not-found',
      'There is no share with this id; check that the link was copied whole.',
    );
  }
  return id;
}

export function shareRoutes({
  store,
  auth,
  publicLimit,
  now = Date.now,
}: {
  store: SyncStore;
  /** Bearer authentication (and the per-user rate limit) for the owner's requests. */
  auth: MiddlewareHandler<AppEnv>;
  /** The rate limit of reads without an account (per client address). */
  publicLimit: MiddlewareHandler<AppEnv>;
  now?: () => number;
}) {
  const app = new Hono<AppEnv>();

  app.post('/', auth, async (c) => {
    const text = await readText(
      c,
      MAX_SHARE_BYTES,
      'share only the active branch, or a shorter conversation',
    );
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'invalid-json', 'The request body is not valid JSON; send {enc: 1, iv, ct}.');
    }
    const parsed = shareBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new HttpError(
        400,
        'invalid-request',
        `A share is the encrypted snapshot {enc: 1, iv, ct} and nothing else: ${describeZodError(parsed.error)}`,
      );
    }
    const id = randomBytes(16).toString('base64url');
    const data = JSON.stringify(parsed.data);
    await store.createShare({
      id,
      userId: c.get('userId'),
      data,
      size: Buffer.byteLength(data, 'utf8'),
      createdAt: now(),
      revokedAt: null,
    });
    return c.json({ id }, 201);
  });

  app.get('/', auth, async (c) => {
    const shares = await store.listShares(c.get('userId'));
    const body: SharesResponse = {
      shares: shares.map(({ id, size, createdAt, revokedAt }) => ({ id, size, createdAt, revokedAt })),
    };
    return c.json(body, 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/:id', publicLimit, async (c) => {
    const share = await store.readShare(shareId(c));
    if (!share) {
      throw new HttpError(
        404,
        'not-found',
        'There is no share with this id; check that the link was copied whole.',
        {
          'Cache-Control': 'no-store',
        },
      );
    }
    if (share.data === null) {
      throw new HttpError(410, 'share-revoked', 'This share was withdrawn by its owner.', {
        'Cache-Control': 'no-store',
      });
    }
    // The snapshot never changes, but a revocation must take effect at once:
    // caches keep it and ask again each time (a 304 costs no body).
    const etag = `"${share.id}"`;
    const headers = { 'Cache-Control': 'no-cache', ETag: etag, 'X-Robots-Tag': 'noindex' };
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304, headers);
    return c.body(share.data, 200, { ...headers, 'Content-Type': JSON_TYPE });
  });

  app.delete('/:id', auth, async (c) => {
    // Another user's share answers 404 like an unknown one: its existence is not told.
    if (!(await store.revokeShare(c.get('userId'), shareId(c), now()))) {
      throw new HttpError(404, 'not-found', 'You have no share with this id; GET /v1/shares lists yours.');
    }
    return c.body(null, 204);
  });

  return app;
}
