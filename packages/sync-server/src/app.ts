// The Hono application: API under /v1, the built UI everywhere else.
import { Hono } from 'hono';
import { every } from 'hono/combine';
import { cors } from 'hono/cors';
import type { AppEnv } from './app-env.js';
import { type AttemptLimitOptions, AttemptLimits, DEFAULT_ATTEMPT_LIMITS } from './auth/attempt-limits.js';
import { Sessions } from './auth/sessions.js';
import { clientAddress } from './client-address.js';
import { errorBody, HttpError } from './errors.js';
import { ChangeStreams, DEFAULT_CHANGE_STREAMS } from './events/change-streams.js';
import { bearerAuth } from './middleware/bearer-auth.js';
import { hostCheck, isLoopbackHost } from './middleware/host-check.js';
import { requireJsonBody } from './middleware/json-content-type.js';
import {
  rateLimitBy,
  syncRateLimit,
  type TokenBucketOptions,
  TokenBuckets,
} from './middleware/rate-limit.js';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security-headers.js';
import { type HealthResponse, PROTOCOL_VERSION } from './protocol.js';
import { accountKeyRoutes } from './routes/account-keys.js';
import { authRoutes } from './routes/auth.js';
import { eventRoutes } from './routes/events.js';
import { shareRoutes } from './routes/shares.js';
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
  /** Failed logins per username and per client address, sign-ups per client address. */
  attemptLimits?: AttemptLimitOptions;
  /** Tokens stop working after this many days unused (default 90). */
  sessionDays?: number;
  /** Reverse proxies in front whose X-Forwarded-For is trusted for the client address (default 0). */
  trustProxy?: number;
  /** The largest record a push may carry, at most (and by default) the protocol's 4 MiB. */
  maxRecordBytes?: number;
  /** The address the server listens on: a loopback one turns on the Host check. */
  bindHost?: string;
  /** Where users reach the server (CHATKEEP_PUBLIC_URL); its host passes the Host check. */
  publicUrl?: string;
  now?: () => number;
  /** The live event streams of this instance (startServer makes them, to end them at shutdown); made here when not given. */
  streams?: ChangeStreams;
}

export const DEFAULT_SYNC_RATE_LIMIT: TokenBucketOptions = { ratePerSecond: 50, burst: 100 };
export const DEFAULT_SESSION_DAYS = 90;

export function createApp(opts: AppOptions) {
  const { store, log } = opts;
  const app = new Hono<AppEnv>();

  if (log) app.use('*', requestLog(log));
  app.use('*', securityHeaders());
  if (opts.bindHost !== undefined && isLoopbackHost(opts.bindHost)) app.use('*', hostCheck(opts.publicUrl));
  if (opts.corsOrigins.length > 0) {
    const allowed = new Set(opts.corsOrigins);
    app.use(
      '/v1/*',
      cors({
        origin: (origin) => (allowed.has(origin) ? origin : null),
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type'],
        exposeHeaders: ['Retry-After'],
        maxAge: 600,
      }),
    );
  }

  app.use('/v1/*', requireJsonBody());

  app.get('/v1/health', (c) =>
    c.json({
      ok: true,
      version: SERVER_VERSION,
      protocol: PROTOCOL_VERSION,
      store: store.kind,
    } satisfies HealthResponse),
  );
  const sessions = new Sessions(store, { idleDays: opts.sessionDays ?? DEFAULT_SESSION_DAYS }, opts.now);
  const trustProxy = opts.trustProxy ?? 0;
  app.route(
    '/v1/auth',
    authRoutes({
      store,
      signup: opts.signup,
      sessions,
      limits: new AttemptLimits(store, opts.attemptLimits ?? DEFAULT_ATTEMPT_LIMITS, opts.now),
      clientAddress: (c) => clientAddress(c, trustProxy),
    }),
  );
  const buckets = new TokenBuckets(opts.syncRateLimit ?? DEFAULT_SYNC_RATE_LIMIT, opts.now);
  app.use('/v1/sync/*', bearerAuth(sessions), syncRateLimit(buckets));
  const streams =
    opts.streams ?? new ChangeStreams(store, (ids) => sessions.liveIds(ids), DEFAULT_CHANGE_STREAMS, log);
  app.route('/v1/sync', eventRoutes(streams));
  app.route('/v1/sync', syncRoutes({ store, now: opts.now, maxRecordBytes: opts.maxRecordBytes }));
  const signedIn = every(bearerAuth(sessions), syncRateLimit(buckets));
  app.use('/v1/account/*', signedIn);
  app.route('/v1/account/keys', accountKeyRoutes({ store, now: opts.now }));
  // Share links are read without an account: the same limit, per client address.
  const shareReads = new TokenBuckets(opts.syncRateLimit ?? DEFAULT_SYNC_RATE_LIMIT, opts.now);
  const publicLimit = rateLimitBy(shareReads, (c) => clientAddress(c, trustProxy), 'share reads');
  app.route('/v1/shares', shareRoutes({ store, auth: signedIn, publicLimit, now: opts.now }));

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
