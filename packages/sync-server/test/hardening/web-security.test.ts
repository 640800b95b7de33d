// Security headers, the Host check of loopback binds, static file paths and
// CORS, over HTTP on 127.0.0.1 (raw requests where fetch would tidy them up).
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../src/app.js';
import { SqliteSyncStore } from '../../src/store/sqlite.js';
import { request, signup, startTestServer, type TestServer, tempDir } from '../helpers.js';
import { rawGet, rawRequest } from './raw-http.js';

const ui = tempDir('chatkeep-ui-');
const EARLY_SCRIPT = "\n      window.early = indexedDB.open('chatkeep');\n    ";
const page = (script: string) =>
  `<!doctype html><html><head><script>${script}</script><script type="module" src="/assets/app.js"></script></head><body></body></html>`;
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
let server: TestServer;

beforeAll(async () => {
  mkdirSync(join(ui.path, 'assets'));
  writeFileSync(join(ui.path, 'index.html'), page(EARLY_SCRIPT));
  writeFileSync(join(ui.path, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(ui.path, 'sw.js'), 'self.addEventListener("fetch", () => {})');
  server = await startTestServer({ uiDir: ui.path, corsOrigins: ['https://app.example'] });
});
afterAll(async () => {
  await server.stop();
  ui.remove();
});

const get = (path: string, headers?: Record<string, string>) => request(server.url, 'GET', path, { headers });

describe('security headers on everything the server serves', () => {
  it('the app, its files, API answers and errors all carry nosniff, no-referrer, frame protection and a CSP', async () => {
    const { token } = await signup(server.url);
    const replies = {
      '/': await get('/'),
      '/index.html': await get('/index.html'),
      'conversation route': await get('/c/some-conversation'),
      'project route': await get('/p/some%20project'),
      asset: await get('/assets/app.js'),
      'missing asset': await get('/assets/gone.js'),
      'service worker': await get('/sw.js'),
      health: await get('/v1/health'),
      'API 404': await get('/v1/nothing'),
      'API 401': await get('/v1/sync/pull'),
      'API 200': await request(server.url, 'GET', '/v1/sync/pull', { token }),
      'API 415': await request(server.url, 'POST', '/v1/auth/login', {
        body: 'a=b',
        headers: { 'Content-Type': 'text/plain' },
      }),
      'POST outside the API': await request(server.url, 'POST', '/'),
    };
    for (const [name, res] of Object.entries(replies)) {
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), name).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), name).toBe('DENY');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).not.toMatch(/unsafe-inline|unsafe-eval/);
    }
    expect(replies.health.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  });

  it('the page’s CSP allows exactly its inline script, by the SHA-256 of the built file, read as it changes', async () => {
    for (const path of ['/', '/index.html', '/c/x']) {
      const csp = (await get(path)).headers.get('content-security-policy')!;
      expect(csp).toContain(`script-src 'self' ${sha256(EARLY_SCRIPT)};`);
    }
    // A rebuilt app with another inline script: the new hash, without a restart.
    const rebuilt = 'window.rebuilt = true;';
    writeFileSync(join(ui.path, 'index.html'), page(rebuilt));
    onTestFinished(() => writeFileSync(join(ui.path, 'index.html'), page(EARLY_SCRIPT)));
    const csp = (await get('/')).headers.get('content-security-policy')!;
    expect(csp).toContain(`script-src 'self' ${sha256(rebuilt)};`);
    expect(csp).not.toContain(sha256(EARLY_SCRIPT));
  });

  it('files other than the page allow no inline script at all', async () => {
    const csp = (await get('/sw.js')).headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self';/);
  });
});

describe('Host check on a loopback bind (DNS rebinding)', () => {
  it('a request for another host name is refused with 403, for the app and the API', async () => {
    for (const path of ['/', '/v1/health']) {
      const res = await rawGet(server.url, path, `rebind.attacker.example:${server.port}`);
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({
        error: { code: 'host-not-allowed', message: expect.stringMatching(/CHATKEEP_PUBLIC_URL/) },
      });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('loopback names and addresses are answered', async () => {
    for (const host of [
      'localhost',
      `localhost:${server.port}`,
      `127.0.0.1:${server.port}`,
      '127.1.2.3',
      '[::1]:8787',
      'app.localhost',
      'LOCALHOST.',
    ]) {
      expect((await rawGet(server.url, '/v1/health', host)).status, host).toBe(200);
    }
  });

  it('disguised or missing hosts are refused', async () => {
    for (const host of [
      'attacker.example@localhost',
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
      'localhost/x',
      '',
    ]) {
      // Node itself answers 400 to some malformed Host headers; the app answers 403 to the rest.
      expect([400, 403], JSON.stringify(host)).toContain(
        (await rawGet(server.url, '/v1/health', host)).status,
      );
    }
    const noHost = await rawRequest(server.url, ['GET /v1/health HTTP/1.0']);
    expect(noHost.status).not.toBe(200);
  });

  it('the host of CHATKEEP_PUBLIC_URL is answered too', async () => {
    const proxied = await startTestServer({ uiDir: ui.path, publicUrl: 'https://chat.example.com' });
    try {
      expect((await rawGet(proxied.url, '/v1/health', 'chat.example.com')).status).toBe(200);
      expect((await rawGet(proxied.url, '/v1/health', 'other.example.com')).status).toBe(403);
    } finally {
      await proxied.stop();
    }
  });

  it('a server bound to a non-loopback address does not check the Host (its name is public)', async () => {
    const dir = tempDir();
    const store = new SqliteSyncStore(dir.path);
    try {
      const app = createApp({ store, signup: 'open', uiDir: ui.path, corsOrigins: [], bindHost: '0.0.0.0' });
      const res = await app.request('/v1/health', { headers: { Host: 'chat.example.net' } });
      expect(res.status).toBe(200);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});

describe('static files never leave the UI directory', () => {
  it('encoded dot segments, backslashes and null bytes do not reach a file outside', async () => {
    const secret = join(ui.path, '..', `outside-secret-${process.pid}.txt`);
    writeFileSync(secret, 'TOP-SECRET');
    onTestFinished(() => rmSync(secret, { force: true }));
    const name = `outside-secret-${process.pid}.txt`;
    const paths = [
      `/../${name}`,
      `/%2e%2e/${name}`,
      `/%2E%2E%2F${name}`,
      `/assets/..%2f..%2f${name}`,
      `/assets/%2e%2e%2f%2e%2e%2f${name}`,
      `/%252e%252e%252f${name}`,
      `/..%5c${name}`,
      `/assets/..\\..\\${name}`,
      `/%5c..%5c${name}`,
      `/..%00/${name}`,
      `/index.html%00/../../${name}`,
      `/%c0%ae%c0%ae/${name}`,
      `/.%2e/${name}`,
    ];
    for (const path of paths) {
      const res = await rawGet(server.url, path);
      expect(res.body, path).not.toContain('TOP-SECRET');
      expect([200, 400, 404], path).toContain(res.status);
    }
  });
});

describe('CORS does not reflect unknown origins', () => {
  it('an unknown origin gets no Access-Control-Allow-Origin, on requests and on preflights', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'https://app.example.evil.example',
      'http://app.example',
    ]) {
      const res = await get('/v1/health', { Origin: origin });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      const pre = await request(server.url, 'OPTIONS', '/v1/auth/login', {
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
      expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(pre.headers.get('access-control-allow-credentials'), origin).toBeNull();
    }
  });

  it('an allowlisted origin may list and end sessions (DELETE passes the preflight)', async () => {
    const pre = await request(server.url, 'OPTIONS', '/v1/auth/sessions/abc', {
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'DELETE' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-methods')).toContain('DELETE');
  });
});
