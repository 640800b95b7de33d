// Server settings from the environment, with the defaults of DESIGN.md.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AttemptLimitOptions, DEFAULT_ATTEMPT_LIMITS } from './auth/attempt-limits.js';
import type { TokenBucketOptions } from './middleware/rate-limit.js';
import { MAX_RECORD_BYTES } from './protocol.js';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** A postgres:// URL (CHATKEEP_DATABASE_URL): PostgreSQL instead of the SQLite file in dataDir. */
  databaseUrl?: string;
  signup: 'open' | 'closed';
  uiDir: string;
  corsOrigins: string[];
  syncRateLimit: TokenBucketOptions;
  attemptLimits: AttemptLimitOptions;
  sessionDays: number;
  trustProxy: number;
  publicUrl?: string;
  /** The largest record a push may carry (CHATKEEP_MAX_RECORD_BYTES), at most the protocol's 4 MiB. */
  maxRecordBytes: number;
}

/** packages/ui/dist, found from this file in src/ or dist/. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)}).`,
    );
  }
  return value;
}

function publicUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.CHATKEEP_PUBLIC_URL?.trim();
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(
      `CHATKEEP_PUBLIC_URL must be the http(s) address users reach the server at, such as https://chat.example.com (got ${JSON.stringify(raw)}).`,
    );
  }
  return url.origin;
}

function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.CHATKEEP_DATABASE_URL?.trim();
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new ConfigError(
      'CHATKEEP_DATABASE_URL must be a PostgreSQL URL such as postgres://chatkeep:secret@db.example.com:5432/chatkeep (leave it unset to use SQLite in CHATKEEP_DATA_DIR).',
    );
  }
  return raw;
}

const HOUR = 60 * 60 * 1000;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const signup = (env.CHATKEEP_SIGNUP ?? 'open').trim().toLowerCase();
  if (signup !== 'open' && signup !== 'closed') {
    throw new ConfigError(
      `CHATKEEP_SIGNUP must be "open" or "closed" (got ${JSON.stringify(env.CHATKEEP_SIGNUP)}).`,
    );
  }
  return {
    port: number(env, 'PORT', 8787, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: resolve(env.CHATKEEP_DATA_DIR?.trim() || './data'),
    databaseUrl: databaseUrl(env),
    signup,
    uiDir: resolve(env.CHATKEEP_UI_DIR?.trim() || DEFAULT_UI_DIR),
    corsOrigins: (env.CHATKEEP_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    syncRateLimit: {
      ratePerSecond: number(env, 'CHATKEEP_SYNC_RATE', 50, 1, 100_000),
      burst: number(env, 'CHATKEEP_SYNC_BURST', 100, 1, 100_000),
    },
    attemptLimits: {
      perUsername: DEFAULT_ATTEMPT_LIMITS.perUsername,
      perAddress: {
        maxFailures: number(
          env,
          'CHATKEEP_LOGIN_FAILURES_PER_HOUR',
          DEFAULT_ATTEMPT_LIMITS.perAddress.maxFailures,
          1,
          1_000_000,
        ),
        windowMs: HOUR,
      },
      signupsPerAddress: {
        max: number(
          env,
          'CHATKEEP_SIGNUPS_PER_HOUR',
          DEFAULT_ATTEMPT_LIMITS.signupsPerAddress.max,
          1,
          1_000_000,
        ),
        windowMs: HOUR,
      },
    },
    sessionDays: number(env, 'CHATKEEP_SESSION_DAYS', 90, 1, 36_500),
    trustProxy: number(env, 'CHATKEEP_TRUST_PROXY', 0, 0, 10),
    publicUrl: publicUrl(env),
    maxRecordBytes: number(env, 'CHATKEEP_MAX_RECORD_BYTES', MAX_RECORD_BYTES, 1024, MAX_RECORD_BYTES),
  };
}
