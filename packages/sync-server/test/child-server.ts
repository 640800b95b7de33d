// The built server as users run it, `node dist/main.js`, in a child process
// on loopback: for tests of the process itself (signals, kill -9, memory).
// Needs `pnpm -r build` first.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface Child {
  proc: ChildProcess;
  url: string;
  stdoutLines: string[];
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** Fails loudly when the server has not been built. */
export function requireBuiltServer(): void {
  if (!existsSync(MAIN) || !existsSync(CLI)) {
    throw new Error(
      'packages/sync-server/dist is missing: run `pnpm -r build` in the repository root first.',
    );
  }
}

/** Starts `node dist/main.js` on a free port; resolves once it prints its listening line. */
export function startChild(env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const stdoutLines: string[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d) => {
    // Only the tail: it explains an early exit, and a long test logs many requests.
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    proc.stdout!.on('data', (d) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        stdoutLines.push(line);
        const m = /^Chatkeep listening on (http:\/\/\S+)$/.exec(line);
        if (m) resolve({ proc, url: m[1]!, stdoutLines, exited });
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
}

/** SIGKILLs every child still running: for afterEach. */
export function killChildren(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
