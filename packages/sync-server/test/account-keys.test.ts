// GET/PUT/DELETE /v1/account/keys over real HTTP on both stores, and the push
// path refusing plaintext once an account has turned encryption on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeysResponse } from '../src/protocol.js';
import { encryptedChange, keyMaterial } from './encryption-fixtures.js';
import {
  conversationChange,
  messageChange,
  pull,
  push,
  request,
  signup,
  stamp,
  type TestServer,
  tombstone,
} from './helpers.js';
import { STORES, type StoreServers, storeServers } from './store-servers.js';

type ErrorReply = { error: { code: string; message: string } };
const t0 = Date.now() - 60_000;

describe.each(STORES)('account keys on %s', (storeName) => {
  let servers: StoreServers;
  let server: TestServer;
  beforeAll(async () => {
    servers = await storeServers(storeName);
    server = await servers.start();
  });
  afterAll(() => servers?.stopAll());

  const getKeys = (token: string) =>
    request<AccountKeysResponse>(server.url, 'GET', '/v1/account/keys', { token });
  const putKeys = (token: string, json: unknown) =>
    request<AccountKeysResponse & ErrorReply>(server.url, 'PUT', '/v1/account/keys', { token, json });

  it('an account without keys answers keys: null at revision 0', async () => {
    const { token } = await signup(server.url);
    const res = await getKeys(token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ keys: null, encrypted: false, revision: 0 });
  });

  it('the key material round-trips exactly and each write raises the revision', async () => {
    const { token } = await signup(server.url);
    const keys = keyMaterial();
    const first = await putKeys(token, { keys, encrypted: true, previous: 0 });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ keys, encrypted: true, revision: 1 });
    expect((await getKeys(token)).body).toEqual({ keys, encrypted: true, revision: 1 });
    const raised = keyMaterial(1_200_000);
    const second = await putKeys(token, { keys: raised, encrypted: true, previous: 1 });
    expect(second.body).toEqual({ keys: raised, encrypted: true, revision: 2 });
  });

  it('a write naming an older revision is refused with 409 and changes nothing', async () => {
    const { token } = await signup(server.url);
    const mine = keyMaterial();
    await putKeys(token, { keys: mine, encrypted: true, previous: 0 });
    const other = await putKeys(token, { keys: keyMaterial(), encrypted: true, previous: 0 });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('keys-changed');
    expect(other.body.error.message).toMatch(/revision 1/);
    expect((await getKeys(token)).body).toEqual({ keys: mine, encrypted: true, revision: 1 });
  });

  it('two devices setting keys at once: exactly one wins', async () => {
    const { token } = await signup(server.url);
    const answers = await Promise.all(
      [keyMaterial(), keyMaterial()].map((keys) => putKeys(token, { keys, encrypted: true, previous: 0 })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
  });

  it('bad key material is refused with 400 saying which field to fix', async () => {
    const { token } = await signup(server.url);
    const cases: [unknown, RegExp][] = [
      [{ keys: { ...keyMaterial(), keyCheck: 'not base64url!' }, encrypted: true, previous: 0 }, /keyCheck/],
      [
        { keys: { ...keyMaterial(), passphraseWrapped: 'A'.repeat(513) }, encrypted: true, previous: 0 },
        /passphraseWrapped.*512/,
      ],
      [{ keys: { ...keyMaterial(), extra: 'x' }, encrypted: true, previous: 0 }, /extra/],
      [{ keys: keyMaterial(), encrypted: 'yes', previous: 0 }, /encrypted/],
      [{ keys: keyMaterial(), encrypted: true }, /previous/],
      [
        {
          keys: {
            ...keyMaterial(),
            kdf: { name: 'PBKDF2-SHA256', salt: 'c2FsdA', params: { iterations: 1 } },
          },
          encrypted: true,
          previous: 0,
        },
        /kdf\.salt/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await putKeys(token, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await getKeys(token)).body.revision).toBe(0);
  });

  it('keys need a signed-in user', async () => {
    expect((await request(server.url, 'GET', '/v1/account/keys')).status).toBe(401);
    expect((await request(server.url, 'PUT', '/v1/account/keys', { json: {} })).status).toBe(401);
  });

  it('each user sees only their own keys', async () => {
    const alice = await signup(server.url);
    const bob = await signup(server.url);
    await putKeys(alice.token, { keys: keyMaterial(), encrypted: true, previous: 0 });
    expect((await getKeys(bob.token)).body).toEqual({ keys: null, encrypted: false, revision: 0 });
    // Bob's records are not held to Alice's setting.
    const res = await push(server.url, bob.token, [conversationChange('c-bob', stamp(t0))]);
    expect(res.body.results[0]!.status).toBe('applied');
  });

  it('with encryption on, plaintext is rejected, envelopes and tombstones are applied', async () => {
    const { token } = await signup(server.url);
    await push(server.url, token, [conversationChange('c-old', stamp(t0))]);
    await putKeys(token, { keys: keyMaterial(), encrypted: true, previous: 0 });
    const res = await push(server.url, token, [
      conversationChange('c-plain', stamp(t0 + 1)),
      messageChange('m-plain', 'c-enc', stamp(t0 + 1, 1)),
      encryptedChange('conversation', 'c-enc', stamp(t0 + 2)),
      encryptedChange('message', 'm-enc', stamp(t0 + 2, 1), 'c-enc'),
      encryptedChange('project', 'p-enc', stamp(t0 + 2, 2)),
      {
        ...encryptedChange('conversation', 'c-extra', stamp(t0 + 3)),
        data: { enc: 1, iv: 'A'.repeat(16), ct: 'B'.repeat(22), title: 'leak' },
      },
      tombstone('conversation', 'c-old', stamp(t0 + 4)),
    ]);
    expect(res.status).toBe(200);
    const results = res.body.results;
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'rejected',
      'applied',
      'applied',
      'applied',
      'rejected',
      'applied',
    ]);
    expect(results[0]).toMatchObject({ code: 'encryption-required' });
    expect(results[0]!.reason).toMatch(/end-to-end encryption on.*\{enc: 1, iv, ct\}/);
    expect(results[5]!.reason).toMatch(/title/);
    const stored = (await pull(server.url, token, '?limit=1000')).body.changes;
    expect(stored.map((c) => c.id).sort()).toEqual(['c-enc', 'c-old', 'm-enc', 'p-enc']);
    expect(JSON.stringify(stored)).not.toContain('leak');
  });

  it('turning encryption off with a PUT, or removing the keys, lets plaintext in again', async () => {
    const { token } = await signup(server.url);
    const keys = keyMaterial();
    await putKeys(token, { keys, encrypted: true, previous: 0 });
    expect(
      (await push(server.url, token, [conversationChange('c-1', stamp(t0))])).body.results[0]!.status,
    ).toBe('rejected');
    const off = await putKeys(token, { keys, encrypted: false, previous: 1 });
    expect(off.body).toEqual({ keys, encrypted: false, revision: 2 });
    expect(
      (await push(server.url, token, [conversationChange('c-1', stamp(t0))])).body.results[0]!.status,
    ).toBe('applied');

    await putKeys(token, { keys, encrypted: true, previous: 2 });
    expect(
      (await push(server.url, token, [conversationChange('c-2', stamp(t0))])).body.results[0]!.status,
    ).toBe('rejected');
    const stale = await request<ErrorReply>(server.url, 'DELETE', '/v1/account/keys?previous=2', { token });
    expect(stale.status).toBe(409);
    const missing = await request<ErrorReply>(server.url, 'DELETE', '/v1/account/keys', { token });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/previous=/);
    const removed = await request(server.url, 'DELETE', '/v1/account/keys?previous=3', { token });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ keys: null, encrypted: false, revision: 4 });
    expect(
      (await push(server.url, token, [conversationChange('c-2', stamp(t0))])).body.results[0]!.status,
    ).toBe('applied');
  });
});
