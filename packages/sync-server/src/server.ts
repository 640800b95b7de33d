// Starting and stopping the HTTP server around a store and the app.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp, DEFAULT_SESSION_DAYS } from './app.js';
import type { AttemptLimitOptions } from './auth/attempt-limits.js';
import { Sessions } from './auth/sessions.js';
import { DEFAULT_UI_DIR } from './config.js';
import { type ChangeStreamOptions, ChangeStreams, DEFAULT_CHANGE_STREAMS } from './events/change-streams.js';
import type { TokenBucketOptions } from './middleware/rate-limit.js';
import { openStore } from './store/open.js';
import type { SyncStore } from './store/types.js';

export interface StartServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Holds chatkeep.sqlite (unless databaseUrl is set). */
  dataDir: string;
  /** A postgres:// URL: keep everything in PostgreSQL, shared with any other instance using it. */
  databaseUrl?: string;
  signup?: 'open' | 'closed';
  uiDir?: string;
  corsOrigins?: string[];
  /** Receives one line per request (method, path, status, ms); omit to log nothing. */
  log?: (line: string) => void;
  /** Per-user token bucket for /v1/sync/*; defaults to 50 requests/s in bursts of 100. */
  syncRateLimit?: TokenBucketOptions;
  /** Failed logins per username (10 a minute) and per client address (60 an hour), sign-ups per address (10 an hour). */
  attemptLimits?: AttemptLimitOptions;
  /** Tokens stop working after this many days unused; 90 by default. */
  sessionDays?: number;
  /** The largest record a push may carry: at most, and by default, the protocol's 4 MiB. */
  maxRecordBytes?: number;
  /** How many reverse proxies in front are trusted to write X-Forwarded-For; 0 by default. */
  trustProxy?: number;
  /** Where users reach the server; its host passes the Host check of a loopback bind. */
  publicUrl?: string;
  /** The server clock (rate limits and the 24 h stamp check); Date.now by default. */
  now?: () => number;
  /** Limits and timers of live event streams (10 per user, a ping every 25 s, sessions checked every 2 s). */
  streams?: Partial<ChangeStreamOptions>;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  store: SyncStore;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const store = await openStore(opts);
  const sessions = new Sessions(store, { idleDays: opts.sessionDays ?? DEFAULT_SESSION_DAYS }, opts.now);
  const streams = new ChangeStreams(
    store,
    (ids) => sessions.liveIds(ids),
    { ...DEFAULT_CHANGE_STREAMS, ...opts.streams },
    opts.log,
  );
  const app = createApp({
    streams,
    store,
    signup: opts.signup ?? 'open',
    uiDir: opts.uiDir ?? DEFAULT_UI_DIR,
    corsOrigins: opts.corsOrigins ?? [],
    log: opts.log,
    syncRateLimit: opts.syncRateLimit,
    attemptLimits: opts.attemptLimits,
    sessionDays: opts.sessionDays,
    trustProxy: opts.trustProxy,
    maxRecordBytes: opts.maxRecordBytes,
    bindHost: host,
    publicUrl: opts.publicUrl,
    now: opts.now,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 8787, hostname: host }, () =>
      resolve(s as Server),
    ) as Server;
    s.once('error', (error) => {
      void store.close();
      reject(error);
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      // Event streams never finish by themselves: end them so the server can close.
      // Their connections turn idle only once the end is flushed, after the first
      // sweep of idle connections, so keep sweeping until the server has closed
      // (else each waits out the keep-alive timeout).
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.close(() => {
        clearInterval(sweep);
        resolve();
      });
      streams.close();
      server.closeIdleConnections();
      // Connections still busy after a grace period are cut so shutdown ends.
      setTimeout(() => server.closeAllConnections(), 10_000).unref();
    }).then(() => store.close());
    return closing;
  };

  return { url: `http://${urlHost}:${port}`, host, port, store, close };
}
