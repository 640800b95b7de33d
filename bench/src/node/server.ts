// Starts the real sync server (`node packages/sync-server/dist/main.js`) on a
// free loopback port with its own data directory, as a user would run it.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningServer {
  url: string;
  dataDir: string;
  /** The server process, for its memory figures. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * `uiDir`: the built UI it serves (CHATKEEP_UI_DIR); packages/ui/dist when absent.
 * `databaseUrl`: PostgreSQL (CHATKEEP_DATABASE_URL) instead of SQLite in the data directory.
 */
export async function startServer(
  root: string,
  opts: { uiDir?: string; databaseUrl?: string } = {},
): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'chatkeep-bench-server-'));
  const child: ChildProcess = spawn(process.execPath, [join(root, 'packages/sync-server/dist/main.js')], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      CHATKEEP_DATA_DIR: dataDir,
      CHATKEEP_SIGNUP: 'open',
      // A fresh account per run, all from 127.0.0.1: past the default 10 sign-ups an hour per address.
      CHATKEEP_SIGNUPS_PER_HOUR: '100000',
      ...(opts.uiDir ? { CHATKEEP_UI_DIR: opts.uiDir } : {}),
      ...(opts.databaseUrl ? { CHATKEEP_DATABASE_URL: opts.databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Request logs: keep only the tail, for the error message if it dies.
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`the sync server did not start in 20 s:\n${stderr}`)),
      20_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sync server exited with code ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    dataDir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
