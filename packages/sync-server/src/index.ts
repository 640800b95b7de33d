export { type AppOptions, createApp, DEFAULT_LOGIN_LIMIT, DEFAULT_SYNC_RATE_LIMIT } from './app.js';
export { configFromEnv, type ServerConfig } from './config.js';
export * from './protocol.js';
export { type RunningServer, type StartServerOptions, startServer } from './server.js';
export { SqliteSyncStore } from './store/sqlite.js';
export type {
  PullPage,
  PushOutcome,
  SyncStore,
  UserRecord,
  UserSummary,
  ValidChange,
} from './store/types.js';
export { SERVER_VERSION } from './version.js';
