// The Hono application: API under /v1, the built UI everywhere else.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './app-env.js';
import { errorBody, HttpError } from './errors.js';
import { bearerAuth } from './middleware/bearer-auth.js';
import {
  LoginFailures,
  type LoginLimitOptions,
  syncRateLimit,
  type TokenBucketOptions,
  TokenBuckets,
} from './middleware/rate-limit.js';
import { requestLog } from './middleware/request-log.js';
import type { HealthResponse } from './protocol.js';
import { authRoutes } from './routes/auth.js';
import { syncRoutes } from './routes/sync.js';
import { staticUi } from './static.js';
import type { SyncStore } from './store/types.js';
import { SERVER_VERSION } from './version.js';

export interface AppOptions {
  store: SyncStore;
  signup: 'open' | 'closed';
  uiDir: string;
  /** Origins allowed to call the API from a browser; empty = same origin only. */
  corsOrigins: string[];
  /** Receives one line per request; omit to log nothing. */
  log?: (line: string) => void;
  syncRateLimit?: TokenBucketOptions;
  loginLimit?: LoginLimitOptions;
  now?: () => number;
}

export const DEFAULT_SYNC_RATE_LIMIT: TokenBucketOptions = { ratePerSecond: 50, burst: 100 };
export const DEFAULT_LOGIN_LIMIT: LoginLimitOptions = { maxFailures: 10, windowMs: 60_000 };

export function createApp(opts: AppOptions) {
  const { store, log } = opts;
  const app = new Hono<AppEnv>();

  if (log) app.use('*', requestLog(log));
  if (opts.corsOrigins.length > 0) {
    const allowed = new Set(opts.corsOrigins);
    app.use(
      '/v1/*',
      cors({
        origin: (origin) => (allowed.has(origin) ? origin : null),
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type'],
        exposeHeaders: ['Retry-After'],
        maxAge: 600,
      }),
    );
  }

  app.get('/v1/health', (c) => c.json({ ok: true, version: SERVER_VERSION } satisfies HealthResponse));
  app.route(
    '/v1/auth',
    authRoutes({
      store,
      signup: opts.signup,
      loginFailures: new LoginFailures(opts.loginLimit ?? DEFAULT_LOGIN_LIMIT, opts.now),
    }),
  );
  const buckets = new TokenBuckets(opts.syncRateLimit ?? DEFAULT_SYNC_RATE_LIMIT, opts.now);
  app.use('/v1/sync/*', bearerAuth(store), syncRateLimit(buckets));
  app.route('/v1/sync', syncRoutes({ store, now: opts.now }));

  app.all('/v1/*', (c) => {
    throw new HttpError(404, 'not-found', `There is no API endpoint ${c.req.method} ${c.req.path}.`);
  });
  const ui = staticUi(opts.uiDir);
  app.get('*', ui);
  app.all('*', (c) => {
    throw new HttpError(404, 'not-found', `There is nothing at ${c.req.method} ${c.req.path}.`);
  });

  app.onError((error, c) => {
    if (error instanceof HttpError) {
      return c.json(errorBody(error.code, error.message), error.status, error.headers);
    }
    log?.(`error ${c.req.method} ${c.req.path}: ${error instanceof Error ? error.message : String(error)}`);
    return c.json(
      errorBody('internal', 'The server failed to handle this request; it has been logged. Try again later.'),
      500,
    );
  });
  return app;
}
