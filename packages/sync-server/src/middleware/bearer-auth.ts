// Resolves `Authorization: Bearer <token>` to a user and session, or answers 401.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { Sessions } from '../auth/sessions.js';
import { HttpError } from '../errors.js';

export function bearerAuth(sessions: Sessions): MiddlewareHandler<AppEnv> {
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
    const session = await sessions.resolve(match[1]!);
    if (!session) {
      throw new HttpError(
        401,
        'unauthorized',
        'The token is not valid (logged out, expired after a long time unused, or never issued); log in again.',
      );
    }
    c.set('userId', session.userId);
    c.set('sessionId', session.id);
    await next();
  };
}
