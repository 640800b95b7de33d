// POST /v1/auth/signup, /login, /logout; GET /v1/auth/sessions and
// DELETE /v1/auth/sessions/:id.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env.js';
import { checkCredentialRules, checkCredentials, createAccount } from '../auth/accounts.js';
import type { AttemptLimits } from '../auth/attempt-limits.js';
import type { Sessions } from '../auth/sessions.js';
import { HttpError } from '../errors.js';
import { readJson } from '../json-body.js';
import { bearerAuth } from '../middleware/bearer-auth.js';
import { credentialsSchema, type SessionsResponse } from '../protocol.js';
import type { SyncStore } from '../store/types.js';

/** Credentials fit in far less: a larger body is refused before it is read or parsed. */
export const MAX_AUTH_BODY_BYTES = 16 * 1024;

export interface AuthRouteOptions {
  store: SyncStore;
  signup: 'open' | 'closed';
  sessions: Sessions;
  limits: AttemptLimits;
  /** The key per-address limits count against. */
  clientAddress: (c: Context) => string;
}

export function authRoutes({ store, signup, sessions, limits, clientAddress }: AuthRouteOptions) {
  const app = new Hono<AppEnv>();

  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_AUTH_BODY_BYTES,
      onError: () => {
        throw new HttpError(
          413,
          'payload-too-large',
          `A sign-up or login body is at most ${MAX_AUTH_BODY_BYTES} bytes; send only {username, password}.`,
        );
      },
    }),
  );

  app.post('/signup', async (c) => {
    if (signup === 'closed') {
      throw new HttpError(
        403,
        'signup-closed',
        'Signup is closed on this server; ask its administrator to create an account for you.',
      );
    }
    const body = await readJson(c, credentialsSchema);
    const credentials = checkCredentialRules(body.username, body.password);
    await limits.beginSignup(clientAddress(c));
    const user = await createAccount(store, credentials);
    return c.json(await sessions.issue(user.id, c.req.header('User-Agent')), 201);
  });

  app.post('/login', async (c) => {
    const body = await readJson(c, credentialsSchema);
    const credentials = checkCredentialRules(body.username, body.password);
    const attempt = await limits.beginLogin(credentials.username, clientAddress(c));
    const user = await checkCredentials(store, credentials);
    if (!user) throw new HttpError(401, 'invalid-credentials', 'Wrong username or password.');
    await attempt.succeeded();
    return c.json(await sessions.issue(user.id, c.req.header('User-Agent')), 200);
  });

  app.use('/logout', bearerAuth(sessions));
  app.use('/sessions', bearerAuth(sessions));
  app.use('/sessions/*', bearerAuth(sessions));

  app.post('/logout', async (c) => {
    await sessions.end(c.get('userId'), c.get('sessionId'));
    return c.body(null, 204);
  });

  app.get('/sessions', async (c) => {
    const body: SessionsResponse = { sessions: await sessions.list(c.get('userId'), c.get('sessionId')) };
    return c.json(body);
  });

  app.delete('/sessions/:id', async (c) => {
    if (!(await sessions.end(c.get('userId'), c.req.param('id')))) {
      throw new HttpError(
        404,
        'not-found',
        'You have no session with this id (it has ended already, or never existed); list them with GET /v1/auth/sessions.',
      );
    }
    return c.body(null, 204);
  });

  return app;
}
