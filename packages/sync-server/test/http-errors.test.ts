import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationChange,
  messageChange,
  pullAll,
  push,
  request,
  signup,
  stamp,
  startTestServer,
  type TestServer,
} from './helpers.js';

let server: TestServer;
let token: string;
const t0 = Date.now() - 60_000;

beforeAll(async () => {
  server = await startTestServer();
  token = (await signup(server.url)).token;
});
afterAll(() => server.stop());

const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
};

/** Sends a body in chunks without Content-Length, as a streaming client would. */
function postChunked(
  path: string,
  chunks: Buffer[],
  auth: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { Authorization: `Bearer ${auth}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    // The server may answer and close before the whole body is sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    (async () => {
      for (const chunk of chunks) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(() => {});
  });
}

describe('bad requests answer JSON errors', () => {
  it('malformed JSON is a 400 invalid-json', async () => {
    const res = await request(server.url, 'POST', '/v1/sync/push', {
      token,
      body: '{"clientId": "a", changes: [',
      headers: { 'Content-Type': 'application/json' },
    });
    expectError(res, 400, 'invalid-json');
  });

  it('wrong types in the request are a 400 naming the field', async () => {
    const res = await request(server.url, 'POST', '/v1/sync/push', {
      token,
      json: { clientId: 'a', changes: {} },
    });
    expectError(res, 400, 'invalid-request');
    expect((res.body as { error: { message: string } }).error.message).toMatch(/changes/);
    expectError(
      await request(server.url, 'POST', '/v1/sync/push', { token, json: [] }),
      400,
      'invalid-request',
    );
    const badClient = await request(server.url, 'POST', '/v1/sync/push', {
      token,
      json: { clientId: 'has space', changes: [] },
    });
    expectError(badClient, 400, 'invalid-request');
  });

  it('a push body over 16 MiB is a 413, by Content-Length', async () => {
    const change = messageChange('m-huge', 'c', stamp(t0), { content: 'y'.repeat(17 * 1024 * 1024) });
    const res = await push(server.url, token, [change]);
    expectError(res, 413, 'payload-too-large');
  });

  it('a streamed push body over 16 MiB without Content-Length is a 413 too', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'z');
    const res = await postChunked(
      '/v1/sync/push',
      [Buffer.from('{"clientId":"a","changes":["'), ...Array(17).fill(chunk)],
      token,
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'payload-too-large' } });
  });

  it('a streamed body under the limit is read whole', async () => {
    const body = JSON.stringify({ clientId: 'a', changes: [conversationChange('c-streamed', stamp(t0))] });
    const half = Math.floor(body.length / 2);
    const res = await postChunked(
      '/v1/sync/push',
      [Buffer.from(body.slice(0, half)), Buffer.from(body.slice(half))],
      token,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).results[0].status).toBe('applied');
  });

  it('more than 1000 changes in one push is a 413; exactly 1000 is fine', async () => {
    const many = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => conversationChange(`${prefix}${i}`, stamp(t0, i % 99999)));
    expectError(await push(server.url, token, many(1001, 'over')), 413, 'payload-too-large');
    const ok = await push(server.url, token, many(1000, 'ok'));
    expect(ok.status).toBe(200);
    expect(ok.body.results).toHaveLength(1000);
  });

  it('unknown /v1 routes are a JSON 404, for any method', async () => {
    expectError(await request(server.url, 'GET', '/v1/nothing'), 404, 'not-found');
    expectError(await request(server.url, 'POST', '/v1/sync/other', { token, json: {} }), 404, 'not-found');
    expectError(await request(server.url, 'DELETE', '/v1/health'), 404, 'not-found');
  });

  it('health answers ok with the server version, protocol 1.1 and the store in use', async () => {
    const res = await request(server.url, 'GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      protocol: '1.1',
      store: 'sqlite',
    });
  });

  it('ids that look like injections or use unicode are stored and returned verbatim', async () => {
    const ids = [
      "'; DROP TABLE records; --",
      'Robert"); DELETE FROM users;',
      '会话-🗂️-ñ',
      '../../etc/passwd',
      '%00x',
    ];
    const res = await push(
      server.url,
      token,
      ids.map((id, i) =>
        conversationChange(id, stamp(t0, i), { title: `title ${id}`, projectId: `p ${id}` }),
      ),
    );
    expect(res.body.results.map((r) => [r.id, r.status])).toEqual(ids.map((id) => [id, 'applied']));
    const stored = (await pullAll(server.url, token)).changes.filter((c) => ids.includes(c.id));
    expect(stored.map((c) => [c.id, c.projectId, c.data?.title])).toEqual(
      ids.map((id) => [id, `p ${id}`, `title ${id}`]),
    );
    expect((await request(server.url, 'GET', '/v1/health')).status).toBe(200);
  });

  it('an internal failure is a JSON 500 without a stack trace', async () => {
    const lines: string[] = [];
    const broken = await startTestServer({ log: (l) => lines.push(l) });
    try {
      const user = await signup(broken.url);
      await broken.store.close(); // the database goes away under the running server
      const res = await request(broken.url, 'GET', '/v1/sync/pull', { token: user.token });
      expectError(res, 500, 'internal');
      expect(JSON.stringify(res.body)).not.toMatch(/at .+\.(ts|js):\d+/);
      expect(lines.some((l) => l.startsWith('error GET /v1/sync/pull'))).toBe(true);
    } finally {
      await broken.stop();
    }
  });
});
