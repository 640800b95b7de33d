import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { request, signup, startTestServer, type TestServer, tempDir } from './helpers.js';

const ui = tempDir('chatkeep-ui-');
const INDEX = '<!doctype html><title>Chatkeep app</title><div id="root"></div>';
const SHARE =
  '<!doctype html><title>Shared conversation</title><script>/* share */</script><div id="root"></div>';
let server: TestServer;

beforeAll(async () => {
  mkdirSync(join(ui.path, 'assets'));
  writeFileSync(join(ui.path, 'index.html'), INDEX);
  writeFileSync(join(ui.path, 'share.html'), SHARE);
  writeFileSync(join(ui.path, 'assets', 'index-abc123.js'), 'console.log("app")');
  writeFileSync(join(ui.path, 'assets', 'index-abc123.css'), 'body{margin:0}');
  writeFileSync(join(ui.path, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  server = await startTestServer({ uiDir: ui.path });
});
afterAll(async () => {
  await server.stop();
  ui.remove();
});

function rawGet(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    httpGet({ hostname, port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

const get = (path: string, headers?: Record<string, string>) => request(server.url, 'GET', path, { headers });

describe('serving the built UI', () => {
  it('serves index.html at / without caching', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves hashed assets with their content type and a long cache', async () => {
    const js = await get('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log("app")');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/index-abc123.css')).headers.get('content-type')).toMatch(/^text\/css/);
    const svg = await get('/favicon.svg');
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers unknown GET paths outside /v1 with index.html (SPA routes)', async () => {
    for (const path of ['/c/0192', '/p/default', '/p/My%20Project', '/settings', '/deep/link/with.dot']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('share links (/s/<id>) get the share page, with its CSP, not indexed; other paths the app', async () => {
    for (const path of ['/s/AbCdEfGhIjKlMnOpQrStUv', '/s/x/']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.body).toBe(SHARE);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-robots-tag')).toBe('noindex');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect((await get('/share.html')).body).toBe(SHARE);
    expect((await get('/share.html')).headers.get('content-security-policy')).toMatch(/'sha256-/);
    expect((await get('/sx')).body).toBe(INDEX);
  });

  it('a missing hashed asset is a 404, not the app page', async () => {
    expect((await get('/assets/gone-999.js')).status).toBe(404);
  });

  it('does not serve files outside the UI directory', async () => {
    const secret = join(ui.path, '..', `outside-secret-${process.pid}.txt`);
    writeFileSync(secret, 'secret');
    onTestFinished(() => rmSync(secret, { force: true }));
    for (const path of ['/../', '/%2e%2e/', '/assets/..%2f..%2f', '/..%2f'].map(
      (p) => `${p}outside-secret-${process.pid}.txt`,
    )) {
      // Sent as written: fetch would normalise the dots away before they reach the server.
      const body = await rawGet(path);
      expect(body, path).not.toContain('secret');
    }
  });

  it('unknown /v1 GET paths stay JSON 404s', async () => {
    const res = await get('/v1/settings');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not-found' } });
  });

  it('when the UI is not built, / explains how to build it', async () => {
    const empty = tempDir('chatkeep-no-ui-');
    const bare = await startTestServer({ uiDir: join(empty.path, 'missing') });
    try {
      const res = await request(bare.url, 'GET', '/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.body).toMatch(/pnpm -r build/);
      expect((await request(bare.url, 'GET', '/v1/health')).status).toBe(200);
    } finally {
      await bare.stop();
      empty.remove();
    }
  });
});

describe('CORS', () => {
  it('is closed by default: no CORS headers for any origin', async () => {
    const res = await get('/v1/health', { Origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await request(server.url, 'OPTIONS', '/v1/sync/push', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an allowlisted origin gets CORS headers and preflights; others do not', async () => {
    const open = await startTestServer({
      uiDir: ui.path,
      corsOrigins: ['https://app.example', 'http://localhost:5173'],
    });
    try {
      const pre = await request(open.url, 'OPTIONS', '/v1/sync/push', {
        headers: {
          Origin: 'https://app.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      const { token } = await signup(open.url);
      const res = await request(open.url, 'GET', '/v1/sync/pull', {
        token,
        headers: { Origin: 'http://localhost:5173' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const other = await request(open.url, 'GET', '/v1/health', {
        headers: { Origin: 'https://evil.example' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await open.stop();
    }
  });
});

describe('request log', () => {
  it('writes one line per request with method, path, status and time, never the token or query', async () => {
    const lines: string[] = [];
    const logged = await startTestServer({ uiDir: ui.path, log: (l) => lines.push(l) });
    try {
      const { token } = await signup(logged.url);
      await request(logged.url, 'GET', `/v1/sync/pull?since=0&limit=3`, { token });
      await request(logged.url, 'GET', '/v1/missing');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^POST \/v1\/auth\/signup 201 \d+\.\dms$/);
      expect(lines[1]).toMatch(/^GET \/v1\/sync\/pull 200 \d+\.\dms$/);
      expect(lines[2]).toMatch(/^GET \/v1\/missing 404 /);
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      await logged.stop();
    }
  });
});
