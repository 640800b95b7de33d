// The real sync server (its built dist) on a free loopback port, one process
// per call, with its own data directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = resolve(import.meta.dirname, '../../sync-server/dist/main.js');

export interface RunningSyncServer {
  url: string;
  close(): Promise<void>;
}

export async function startSyncServer(opts: { signup?: 'open' | 'closed' } = {}): Promise<RunningSyncServer> {
  if (!existsSync(MAIN)) {
    throw new Error(
      `${MAIN} is missing: build the server first (pnpm --filter @chatkeep/sync-server build).`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'chatkeep-ui-sync-'));
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      CHATKEEP_DATA_DIR: dataDir,
      CHATKEEP_SIGNUP: opts.signup ?? 'open',
      // Tests sign up many accounts from 127.0.0.1: past the default 10 an hour per address.
      CHATKEEP_SIGNUPS_PER_HOUR: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const match = /listening on (\S+)/.exec(out);
      if (match) resolveUrl(match[1]!.replace(/\/+$/, ''));
    });
    child.once('exit', (code) => reject(new Error(`The sync server exited (${code}): ${stderr}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((done) => {
        child.once('exit', () => {
          rmSync(dataDir, { recursive: true, force: true });
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
