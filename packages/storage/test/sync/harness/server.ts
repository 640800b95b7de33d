// The real sync server (packages/sync-server/dist/main.js) as a child
// process on loopback, with a temp data dir; restartable on the same port.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';

const MAIN = fileURLToPath(new URL('../../../../sync-server/dist/main.js', import.meta.url));

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Kills the process (SIGKILL: like a crash or a pulled plug). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir. */
  restart(): Promise<void>;
  /** Starts it again if it is not running (after a test that killed it failed). */
  ensureRunning(): Promise<void>;
  /** Stops it and removes the data dir. */
  dispose(): Promise<void>;
  /** A new account: its token and user id. */
  signup(username?: string): Promise<{ token: string; userId: string }>;
}

let accounts = 0;

export async function startServer(opts: { env?: Record<string, string> } = {}): Promise<TestServer> {
  if (!existsSync(MAIN)) {
    throw new Error(
      `The sync server is not built (${MAIN} is missing). Run \`pnpm -r build\` in the repository root first.`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'chatkeep-sync-test-'));
  let child: ChildProcess | undefined;
  let port = 0;

  const launch = async () => {
    const proc = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        CHATKEEP_DATA_DIR: dataDir,
        CHATKEEP_SIGNUP: 'open',
        // Tests sign up many accounts from 127.0.0.1: past the default 10 an hour per address.
        CHATKEEP_SIGNUPS_PER_HOUR: '100000',
        // e.g. CHATKEEP_DATABASE_URL: the same server on PostgreSQL.
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (chunk) => {
      stderr = (stderr + String(chunk)).slice(-4000);
    });
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`the sync server did not start in 15 s:\n${stderr}`)),
        15_000,
      );
      proc.stdout!.on('data', (chunk) => {
        stdout += String(chunk);
        const m = /Chatkeep listening on (http:\/\/\S+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the sync server exited with ${code} before listening:\n${stderr}`));
      });
    });
    port = Number(new URL(url).port);
    return url;
  };

  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };

  let url = await launch();
  return {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    dataDir,
    kill,
    async restart() {
      await kill();
      url = await launch();
    },
    async ensureRunning() {
      if (!child || child.exitCode !== null) url = await launch();
    },
    async dispose() {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async signup(username = `user${process.pid}x${++accounts}x${Date.now().toString(36)}`) {
      const response = await fetch(`${url}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'correct horse battery staple' }),
      });
      if (response.status !== 201)
        throw new Error(`signup failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { token: string; userId: string };
    },
  };
}

/**
 * The real server for every test of a file, started before them and disposed
 * after; `open` collects devices to close after each test.
 */
export function useTestServer(opts: { env?: () => Record<string, string> } = {}): {
  readonly server: TestServer;
  readonly open: { close(): Promise<void> }[];
} {
  let server: TestServer | undefined;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    server = await startServer({ env: opts.env?.() });
  });
  afterAll(async () => {
    await server?.dispose();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  return {
    get server() {
      if (!server) throw new Error('the test server is started in beforeAll; use it inside a test');
      return server;
    },
    open,
  };
}
