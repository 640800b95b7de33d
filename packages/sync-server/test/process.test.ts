// The built server as other packages run it: `node dist/main.js` in a child
// process. Needs `pnpm -r build` first.
import { spawn, spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, killChildren, MAIN, requireBuiltServer, startChild } from './child-server.js';
import {
  conversationChange,
  messageChange,
  pullAll,
  push,
  request,
  signup,
  stamp,
  tempDir,
} from './helpers.js';

beforeAll(requireBuiltServer);
afterEach(killChildren);

describe('the server process', () => {
  it('prints exactly one "Chatkeep listening on" line and serves health', async () => {
    const data = tempDir();
    try {
      const child = await startChild({ CHATKEEP_DATA_DIR: data.path });
      expect(child.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await request(child.url, 'GET', '/v1/health')).body).toMatchObject({ ok: true });
      expect(child.stdoutLines).toEqual([`Chatkeep listening on ${child.url}`]);
      child.proc.kill('SIGTERM');
      expect(await child.exited).toBe(0);
    } finally {
      data.remove();
    }
  });

  it('killed with SIGKILL right after answering, it keeps everything it acknowledged after a restart', async () => {
    const data = tempDir();
    try {
      const first = await startChild({ CHATKEEP_DATA_DIR: data.path });
      const { token } = await signup(first.url, 'durable', 'durable password');
      const t0 = Date.now() - 60_000;
      const acknowledged: number[] = [];
      for (let batch = 0; batch < 5; batch++) {
        const changes = Array.from({ length: 200 }, (_, i) =>
          i === 0
            ? conversationChange(`c${batch}`, stamp(t0, batch))
            : messageChange(`m${batch}-${i}`, `c${batch}`, stamp(t0, batch * 1000 + i)),
        );
        const res = await push(first.url, token, changes);
        expect(res.body.results.every((r) => r.status === 'applied')).toBe(true);
        acknowledged.push(...res.body.results.map((r) => r.version!));
      }
      first.proc.kill('SIGKILL');
      expect(await first.exited).toBeNull();

      const second = await startChild({ CHATKEEP_DATA_DIR: data.path });
      const login = await request<{ token: string }>(second.url, 'POST', '/v1/auth/login', {
        json: { username: 'durable', password: 'durable password' },
      });
      expect(login.status).toBe(200);
      // The old session survives too.
      const { changes } = await pullAll(second.url, token);
      expect(changes.map((c) => c.version)).toEqual(acknowledged);
      // Versions keep increasing across the restart.
      const after = await push(second.url, token, [conversationChange('c-after', stamp(t0 + 1))]);
      expect(after.body.results[0]!.version!).toBeGreaterThan(Math.max(...acknowledged));
    } finally {
      data.remove();
    }
  });

  it('on SIGTERM it finishes the request in flight, then exits 0', async () => {
    const data = tempDir();
    try {
      const child = await startChild({ CHATKEEP_DATA_DIR: data.path });
      const { token } = await signup(child.url);
      const body = JSON.stringify({ clientId: 'slow', changes: [conversationChange('c-slow', stamp())] });
      const half = Math.floor(body.length / 2);
      const { hostname, port } = new URL(child.url);
      const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            hostname,
            port,
            path: '/v1/sync/push',
            method: 'POST',
            agent: false,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => {
              text += d;
            });
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          },
        );
        req.on('error', reject);
        // Half the body now, SIGTERM while the server waits for the rest.
        req.write(body.slice(0, half));
        setTimeout(() => {
          child.proc.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(half)), 300);
        }, 200);
      });
      const res = await reply;
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).results[0].status).toBe('applied');
      expect(await child.exited).toBe(0);
      // New connections are refused once shutdown began.
      await expect(fetch(`${child.url}/v1/health`)).rejects.toThrow();
    } finally {
      data.remove();
    }
  });

  it('refuses a bad setting with a message and exit code 1', () => {
    const res = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, CHATKEEP_SIGNUP: 'maybe', PORT: '0' },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/CHATKEEP_SIGNUP must be "open" or "closed"/);
  });
});

/**
 * Runs the CLI without blocking the event loop (unlike spawnSync): a blocked
 * loop misses the server closing an idle keep-alive connection, and the next
 * request would be sent on the dead socket.
 */
function runCli(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, ...args], { env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    proc.on('error', reject);
    proc.on('close', (status) => resolve({ status, stdout, stderr }));
    proc.stdin.end(opts.input ?? '');
  });
}

describe('admin CLI with signup closed', () => {
  it('user add creates an account that can log in while signup answers 403; list and remove work', async () => {
    const data = tempDir();
    try {
      const child = await startChild({ CHATKEEP_DATA_DIR: data.path, CHATKEEP_SIGNUP: 'closed' });
      const refused = await request(child.url, 'POST', '/v1/auth/signup', {
        json: { username: 'olga', password: 'olga password' },
      });
      expect(refused.status).toBe(403);

      const add = await runCli(['user', 'add', 'olga'], {
        env: { ...process.env, CHATKEEP_DATA_DIR: data.path },
        input: 'olga password\n',
      });
      expect(add.stderr).toBe('');
      expect(add.status).toBe(0);
      expect(add.stdout).toMatch(/^Created user olga/);

      const login = await request(child.url, 'POST', '/v1/auth/login', {
        json: { username: 'olga', password: 'olga password' },
      });
      expect(login.status).toBe(200);

      const weak = await runCli(['--data-dir', data.path, 'user', 'add', 'pete'], { input: 'short\n' });
      expect(weak.status).toBe(1);
      expect(weak.stderr).toMatch(/at least 8 characters/);

      const list = await runCli(['--data-dir', data.path, 'user', 'list']);
      expect(list.stdout).toMatch(/^olga\t/m);
      expect(list.stdout).not.toMatch(/pete/);

      const remove = await runCli(['--data-dir', data.path, 'user', 'remove', 'olga']);
      expect(remove.status).toBe(0);
      const { token } = login.body as { token: string };
      expect((await request(child.url, 'GET', '/v1/sync/pull', { token })).status).toBe(401);
    } finally {
      data.remove();
    }
  });
});
