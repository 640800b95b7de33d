#!/usr/bin/env node
// `node dist/main.js`: the sync server configured from the environment.
// Prints exactly one line on stdout when ready; request logs go to stderr.
import { ConfigError, configFromEnv } from './config.js';
import { stderrLog } from './log-sink.js';
import { startServer } from './server.js';

async function main() {
  const config = configFromEnv();
  const server = await startServer({ ...config, log: stderrLog() });
  process.stdout.write(`Chatkeep listening on ${server.url}\n`);

  const stop = (signal: string) => {
    process.stderr.write(`${signal} received, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : (error as { code?: string }).code === 'EADDRINUSE'
        ? `The port is already in use (${(error as Error).message}); set PORT to a free port, or 0 to pick one.`
        : error instanceof Error
          ? error.message
          : String(error);
  process.stderr.write(`Chatkeep could not start: ${message}\n`);
  process.exit(1);
});
