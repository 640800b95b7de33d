// POST bodies must be application/json: a cross-site form post cannot sign
// up, log in or push. Over HTTP on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signup, startTestServer, type TestServer } from '../helpers.js';
import { rawRequest } from './raw-http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const credentials = JSON.stringify({ username: 'formpost', password: 'long enough' });

// What an HTML form on another site can send without a preflight.
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain'];

describe('POST bodies must be application/json (415 otherwise)', () => {
  it('sign-up, login and push sent as a form type answer 415 with what to send instead', async () => {
    const { token } = await signup(server.url);
    for (const type of FORM_TYPES) {
      for (const path of ['/v1/auth/signup', '/v1/auth/login', '/v1/sync/push']) {
        const res = await request(server.url, 'POST', path, {
          token,
          body: credentials,
          headers: { 'Content-Type': type },
        });
        expect(res.status, `${path} as ${type}`).toBe(415);
        expect(res.body).toEqual({
          error: {
            code: 'unsupported-media-type',
            message: expect.stringMatching(/Content-Type: application\/json/),
          },
        });
      }
    }
    expect(await server.store.findUserByName('formpost')).toBeUndefined();
  });

  it('a body without any Content-Type is refused too', async () => {
    const res = await rawRequest(
      server.url,
      ['POST /v1/auth/signup HTTP/1.1', `Host: ${new URL(server.url).host}`],
      credentials,
    );
    expect(res.status).toBe(415);
    expect(await server.store.findUserByName('formpost')).toBeUndefined();
  });

  it('application/json with a charset parameter, in any case, is accepted', async () => {
    const res = await request(server.url, 'POST', '/v1/auth/signup', {
      body: JSON.stringify({ username: 'charset-user', password: 'long enough' }),
      headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
    });
    expect(res.status).toBe(201);
  });

  it('logout needs no body and no Content-Type', async () => {
    const { token } = await signup(server.url);
    expect((await request(server.url, 'POST', '/v1/auth/logout', { token })).status).toBe(204);
  });
});
