// @vitest-environment node
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_MODELS, type FakeOpenAI, startFakeOpenAI, WRONG_KEY } from '../../test/fake-openai-server.js';
import { checkEndpoint } from './endpoint-check.js';

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe('Test connection', () => {
  it('works: lists the endpoint models, sorted', async () => {
    const result = await checkEndpoint({
      baseURL: server.url,
      apiKey: 'sk-test',
      model: 'fake-model',
      online: true,
    });
    expect(result).toEqual({
      ok: true,
      models: [...FAKE_MODELS].sort(),
      message: 'Connection works: 3 models available.',
    });
  });

  it('says when the chosen model is not among those listed', async () => {
    const result = await checkEndpoint({ baseURL: server.url, apiKey: '', model: 'gpt-5', online: true });
    expect(result.message).toBe('Connection works: 3 models available. gpt-5 is not among them.');
  });

  it('a refused key (401) says to check the key of this endpoint', async () => {
    const result = await checkEndpoint({ baseURL: server.url, apiKey: WRONG_KEY, online: true });
    expect(result).toMatchObject({ ok: false, problem: 'key' });
    expect(result.message).toBe(`The endpoint refused the API key (401): check the key for ${server.url}.`);
  });

  it('a base URL without /v1 (404) says so', async () => {
    const result = await checkEndpoint({
      baseURL: server.url.replace(/\/v1$/, ''),
      apiKey: '',
      online: true,
    });
    expect(result).toMatchObject({ ok: false, problem: 'not-found' });
    expect(result.message).toMatch(/usually ends in \/v1/);
  });

  it('an unreachable endpoint names the address and what to check', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const result = await checkEndpoint({ baseURL: url, apiKey: '', online: true });
    expect(result).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(result.message).toMatch(
      new RegExp(`^Could not reach ${url}: check the base URL, that the server is running`),
    );
  });

  it('offline, it says so instead of blaming the endpoint', async () => {
    const result = await checkEndpoint({ baseURL: server.url, apiKey: '', online: false });
    expect(result).toMatchObject({ ok: false, problem: 'offline' });
    expect(result.message).not.toMatch(/CORS/);
  });
});
