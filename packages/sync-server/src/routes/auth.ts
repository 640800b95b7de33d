// POST /v1/auth/signup, /login, /logout.
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { checkCredentials, createAccount } from '../auth/accounts.js';
import { normalizeUsername } from '../auth/rules.js';
import { hashToken, newToken } from '../auth/token.js';
import { HttpError } from '../errors.js';
import { readJson } from '../json-body.js';
import { bearerAuth } from '../middleware/bearer-auth.js';
import type { LoginFailures } from '../middleware/rate-limit.js';
import { type AuthResponse, credentialsSchema } from '../protocol.js';
import type { SyncStore } from '../store/types.js';

export interface AuthRouteOptions {
  store: SyncStore;
  signup: 'open' | 'closed';
  loginFailures: LoginFailures;
}

export function authRoutes({ store, signup, loginFailures }: AuthRouteOptions) {
  const app = new Hono<AppEnv>();

  const issueToken = async (userId: string): Promise<AuthResponse> => {
    const token = newToken();
    await store.createSession(hashToken(token), userId, Date.now());
    return { token, userId };
  };

  app.post('/signup', async (c) => {
    if (signup === 'closed') {
      throw new HttpError(
        403,
        'signup-closed',
        'Signup is closed on this server; ask its administrator to create an account for you.',
      );
    }
    const { username, password } = await readJson(c, credentialsSchema);
    const user = await createAccount(store, username, password);
    return c.json(await issueToken(user.id), 201);
  });

  app.post('/login', async (c) => {
    const { username, password } = await readJson(c, credentialsSchema);
    const key = normalizeUsername(username);
    loginFailures.check(key);
    const user = await checkCredentials(store, username, password);
    if (!user) {
      loginFailures.record(key);
      throw new HttpError(401, 'invalid-credentials', 'Wrong username or password.');
    }
    return c.json(await issueToken(user.id), 200);
  });

  app.post('/logout', bearerAuth(store), async (c) => {
    await store.deleteSession(c.get('tokenHash'));
    return c.body(null, 204);
  });

  return app;
}
