// Share links over real HTTP on both stores: an owner stores an encrypted
// snapshot, anyone with the id reads it, only the owner lists and revokes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES, MAX_SHARE_BYTES, type SharesResponse } from '../src/protocol.js';
import { envelope } from './encryption-fixtures.js';
import { request, signup, type TestServer } from './helpers.js';
import { STORES, type StoreServers, storeServers } from './store-servers.js';

type ErrorReply = { error: { code: string; message: string } };

describe.each(STORES)('shares on %s', (storeName) => {
  let servers: StoreServers;
  let server: TestServer;
  beforeAll(async () => {
    servers = await storeServers(storeName);
    server = await servers.start();
  });
  afterAll(() => servers?.stopAll());

  const create = (token: string, json: unknown) =>
    request<{ id: string } & ErrorReply>(server.url, 'POST', '/v1/shares', { token, json });
  const read = (id: string, headers: Record<string, string> = {}) =>
    request<unknown>(server.url, 'GET', `/v1/shares/${id}`, { headers });
  const list = (token: string) => request<SharesResponse>(server.url, 'GET', '/v1/shares', { token });
  const revoke = (token: string, id: string) =>
    request<ErrorReply>(server.url, 'DELETE', `/v1/shares/${id}`, { token });

  it('a share is created by its owner and served to anyone, exactly as sent', async () => {
    const { token } = await signup(server.url);
    const snapshot = envelope(2000);
    const created = await create(token, snapshot);
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const res = await read(created.body.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(snapshot);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag')!;
    expect((await read(created.body.id, { 'If-None-Match': etag })).status).toBe(304);
  });

  it('the owner lists their shares, newest first, with sizes and no content', async () => {
    const { token } = await signup(server.url);
    const first = (await create(token, envelope())).body.id;
    await new Promise((r) => setTimeout(r, 5));
    const second = (await create(token, envelope())).body.id;
    const res = await list(token);
    expect(res.status).toBe(200);
    expect(res.body.shares.map((s) => s.id)).toEqual([second, first]);
    expect(res.body.shares[0]).toMatchObject({ revokedAt: null });
    expect(res.body.shares[0]!.size).toBeGreaterThan(64);
    expect(JSON.stringify(res.body)).not.toContain('"ct"');
  });

  it('a revoked share answers 410 and stays listed as revoked; an unknown one 404', async () => {
    const { token } = await signup(server.url);
    const id = (await create(token, envelope())).body.id;
    expect((await revoke(token, id)).status).toBe(204);
    const gone = await read(id);
    expect(gone.status).toBe(410);
    expect((gone.body as ErrorReply).error).toMatchObject({ code: 'share-revoked' });
    expect(gone.headers.get('cache-control')).toBe('no-store');
    expect((await list(token)).body.shares[0]).toMatchObject({ id, revokedAt: expect.any(Number) });
    expect((await revoke(token, id)).status).toBe(204);
    expect((await read('AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await read('not-an-id')).status).toBe(404);
  });

  it('another user can neither list nor revoke a share', async () => {
    const alice = await signup(server.url);
    const bob = await signup(server.url);
    const id = (await create(alice.token, envelope())).body.id;
    expect((await list(bob.token)).body.shares).toEqual([]);
    const res = await revoke(bob.token, id);
    expect(res.status).toBe(404);
    expect((await read(id)).status).toBe(200);
  });

  it('creating, listing and revoking need a signed-in user; reading does not', async () => {
    const { token } = await signup(server.url);
    const id = (await create(token, envelope())).body.id;
    expect((await request(server.url, 'POST', '/v1/shares', { json: envelope() })).status).toBe(401);
    expect((await request(server.url, 'GET', '/v1/shares')).status).toBe(401);
    expect((await request(server.url, 'DELETE', `/v1/shares/${id}`)).status).toBe(401);
    expect((await read(id)).status).toBe(200);
  });

  it('a share that is not a ciphertext envelope is refused with 400 saying what to fix', async () => {
    const { token } = await signup(server.url);
    const cases: [unknown, RegExp][] = [
      [{ title: 'plain text' }, /enc/],
      [{ ...envelope(), title: 'plain text' }, /title/],
      [{ ...envelope(), iv: 'short' }, /iv/],
      [{ ...envelope(), ct: 'not base64url!!!!!!!!!!' }, /ct: ct must be base64url/],
    ];
    for (const [body, message] of cases) {
      const res = await create(token, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const notJson = await request<ErrorReply>(server.url, 'POST', '/v1/shares', {
      token,
      body: '{',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect((await list(token)).body.shares).toEqual([]);
  });

  it('a share may exceed the record limit up to 16 MiB; past it, 413 says what to do', async () => {
    const { token } = await signup(server.url);
    // Over the 4 MiB record limit: a long conversation still fits one share.
    const large = { ...envelope(), ct: 'A'.repeat(MAX_RECORD_BYTES + 1024) };
    const created = await create(token, large);
    expect(created.status).toBe(201);
    expect((await read(created.body.id)).body).toEqual(large);
    const envelopeBytes = JSON.stringify({ ...envelope(), ct: '' }).length;
    const tooBig = { ...envelope(), ct: 'A'.repeat(MAX_SHARE_BYTES - envelopeBytes + 1) };
    const res = await create(token, tooBig);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/16 MiB.*share only the active branch/);
    expect((await list(token)).body.shares).toHaveLength(1);
  });
});
