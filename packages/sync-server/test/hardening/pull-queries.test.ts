// Malformed cursors and limits are the client's mistake: 400 with what to
// fix, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pull, signup, startTestServer, type TestServer } from '../helpers.js';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ token } = await signup(server.url));
});
afterAll(async () => {
  await server?.stop();
});

describe('pull queries', () => {
  it('malformed cursors answer 400 invalid-cursor', async () => {
    const cursors = [
      'abc!',
      '-1',
      '1.5',
      '1e3',
      '9007199254740993', // past the largest exact integer
      '0001',
      'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA', // base64 of 20 digits
      'TmFO', // base64 of "NaN"
      '%00',
      '%E0%A4%A',
      '%ED%A0%80', // a surrogate encoded as UTF-8
      'x'.repeat(10_000),
    ];
    for (const since of cursors) {
      const res = await pull(server.url, token, `?since=${since}`);
      expect(res.status, since.slice(0, 40)).toBe(400);
      expect(res.body, since.slice(0, 40)).toMatchObject({
        error: { code: expect.stringMatching(/^invalid-/) },
      });
    }
  });

  it('malformed limits answer 400 invalid-request', async () => {
    for (const limit of ['0', '-1', '1.5', '1e3', 'ten', '', '%20', '0x10', '99999999999999999999999x']) {
      const res = await pull(server.url, token, `?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.body, limit).toMatchObject({ error: { code: 'invalid-request' } });
    }
  });

  it('a huge but well-formed limit is capped, not refused', async () => {
    const res = await pull(server.url, token, `?limit=${'9'.repeat(400)}`);
    expect(res.status).toBe(200);
  });

  it('repeated parameters are answered (the first one counts), never a 500', async () => {
    const res = await pull(server.url, token, '?since=0&since=abc!&limit=5&limit=x');
    expect([200, 400]).toContain(res.status);
  });
});
