export { type AppOptions, createApp, DEFAULT_SESSION_DAYS, DEFAULT_SYNC_RATE_LIMIT } from './app.js';
export { type AttemptLimitOptions, DEFAULT_ATTEMPT_LIMITS } from './auth/attempt-limits.js';
export { configFromEnv, type ServerConfig } from './config.js';
export * from './protocol.js';
export { type RunningServer, type StartServerOptions, startServer } from './server.js';
export { SqliteSyncStore } from './store/sqlite.js';
export type {
  PullPage,
  PushOutcome,
  SessionRecord,
  SyncStore,
  UserRecord,
  UserSummary,
  ValidChange,
} from './store/types.js';
export { SERVER_VERSION } from './version.js';
