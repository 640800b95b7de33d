// Resolves `Authorization: Bearer <token>` to a user, or answers 401.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { hashToken } from '../auth/token.js';
import { HttpError } from '../errors.js';
import type { SyncStore } from '../store/types.js';

export function bearerAuth(store: SyncStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new HttpError(
        401,
        'unauthorized',
        'This request needs an Authorization: Bearer <token> header; log in to get a token.',
      );
    }
    const tokenHash = hashToken(match[1]!);
    const userId = await store.findSessionUser(tokenHash);
    if (!userId) {
      throw new HttpError(
        401,
        'unauthorized',
        'The token is not valid (logged out or never issued); log in again.',
      );
    }
    c.set('userId', userId);
    c.set('tokenHash', tokenHash);
    await next();
  };
}
