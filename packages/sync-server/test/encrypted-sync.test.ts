// Encrypted records through the real server on both stores, with the
// client's crypto module: a second device unlocks with the passphrase and
// reads everything back, while no canary string reaches the database; a
// ciphertext altered or swapped in the database fails to decrypt with a typed
// error. (The sync engine's use of this, and quarantine, come later.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createKeyMaterial,
  type DataKey,
  decryptRecord,
  encryptRecord,
  opaqueProjectId,
  RecordDecryptionError,
  unlockWithPassphrase,
} from '@chatkeep/storage/crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeysResponse, Change, ServerChange } from '../src/protocol.js';
import { DB_FILE_NAME } from '../src/store/sqlite.js';
import { pullAll, push, request, signup, stamp, type TestServer } from './helpers.js';
import { STORES, type StoreServers, storeServers } from './store-servers.js';

const CANARIES = {
  title: 'CANARY-title-a81f',
  message: 'CANARY-message-5c2e',
  toolArgs: 'CANARY-toolargs-93d0',
  project: 'CANARY-project-77b4',
  tag: 'CANARY-tag-e615',
};
const PASSPHRASE = 'a long passphrase nobody guesses';
const t0 = Date.now() - 60_000;

describe.each(STORES)('encrypted sync through the server on %s', (storeName) => {
  let servers: StoreServers;
  let server: TestServer;
  let token: string;
  let key: DataKey;
  let projectId: string;

  /** Every byte the database holds, as text: the SQLite file and its WAL, or every PostgreSQL table. */
  async function databaseText(): Promise<string> {
    if (storeName === 'sqlite') {
      const file = join(server.dataDir, DB_FILE_NAME);
      const parts = [file, `${file}-wal`].map((path) => {
        try {
          return readFileSync(path).toString('latin1');
        } catch {
          return '';
        }
      });
      return parts.join('\n');
    }
    const client = new pg.Client({ connectionString: servers.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
      );
      const dumps: string[] = [];
      for (const { tablename } of tables.rows) {
        dumps.push(JSON.stringify((await client.query(`SELECT * FROM "${tablename}"`)).rows));
      }
      return dumps.join('\n');
    } finally {
      await client.end();
    }
  }

  /** Runs one statement on the database under the running server, as someone who broke in would. */
  async function tamper(sql: string, params: string[]): Promise<void> {
    if (storeName === 'sqlite') {
      const db = new Database(join(server.dataDir, DB_FILE_NAME));
      try {
        db.prepare(sql.replace(/\$\d/g, '?')).run(...params);
      } finally {
        db.close();
      }
      return;
    }
    const client = new pg.Client({ connectionString: servers.databaseUrl });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  async function sealed(
    kind: Change['kind'],
    id: string,
    hlc: string,
    value: unknown,
    conversationId?: string,
  ) {
    const data = await encryptRecord(key, { kind, id, projectId }, value);
    return { kind, id, projectId, ...(conversationId ? { conversationId } : {}), hlc, deleted: false, data };
  }

  const open = (unlocked: DataKey, change: ServerChange) =>
    decryptRecord(unlocked, { kind: change.kind, id: change.id, projectId: change.projectId }, change.data);

  beforeAll(async () => {
    servers = await storeServers(storeName);
    server = await servers.start();
    token = (await signup(server.url)).token;
    const created = await createKeyMaterial(PASSPHRASE, { iterations: 1_000 });
    key = created.dataKey;
    projectId = await opaqueProjectId(key, 'project-1');
    const put = await request(server.url, 'PUT', '/v1/account/keys', {
      token,
      json: { keys: created.material, encrypted: true, previous: 0 },
    });
    expect(put.status).toBe(200);
    const res = await push(server.url, token, [
      // A project record goes under its opaque id too: the real id is inside.
      await sealed('project', projectId, stamp(t0), { id: 'project-1', name: CANARIES.project }),
      await sealed('conversation', 'c1', stamp(t0, 1), {
        id: 'c1',
        title: CANARIES.title,
        tags: [CANARIES.tag],
      }),
      await sealed('message', 'm1', stamp(t0, 2), { id: 'm1', content: CANARIES.message }, 'c1'),
      await sealed(
        'message',
        'm2',
        stamp(t0, 3),
        { id: 'm2', toolCalls: [{ name: 'search', args: { q: CANARIES.toolArgs } }] },
        'c1',
      ),
    ]);
    expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
  });
  afterAll(() => servers?.stopAll());

  it('a second device unlocks with the passphrase and reads every record back', async () => {
    const keys = await request<AccountKeysResponse>(server.url, 'GET', '/v1/account/keys', { token });
    const unlocked = await unlockWithPassphrase(keys.body.keys, PASSPHRASE);
    const { changes } = await pullAll(server.url, token);
    const records = await Promise.all(changes.map((change) => open(unlocked, change)));
    expect(JSON.stringify(records)).toContain(CANARIES.title);
    expect(records).toContainEqual({ id: 'm1', content: CANARIES.message });
    expect(changes.every((c) => c.projectId === projectId)).toBe(true);
  });

  it('no canary string (title, message, tool arguments, project name or id, tag) is in the database', async () => {
    const text = await databaseText();
    expect(text).toContain(projectId);
    for (const canary of [...Object.values(CANARIES), 'project-1']) expect(text).not.toContain(canary);
  });

  it('a ciphertext altered in the database fails to decrypt with a typed error', async () => {
    const { changes } = await pullAll(server.url, token);
    const m1 = changes.find((c) => c.id === 'm1')!;
    const data = m1.data as { enc: 1; iv: string; ct: string };
    const altered = { ...data, ct: (data.ct[0] === 'A' ? 'B' : 'A') + data.ct.slice(1) };
    await tamper("UPDATE records SET data = $1 WHERE id = 'm1'", [JSON.stringify(altered)]);
    const after = (await pullAll(server.url, token)).changes.find((c) => c.id === 'm1')!;
    await expect(open(key, after)).rejects.toBeInstanceOf(RecordDecryptionError);
    await expect(open(key, after)).rejects.toMatchObject({
      code: 'decrypt-failed',
      failure: 'authentication-failed',
    });
  });

  it('two ciphertexts swapped in the database both fail to decrypt', async () => {
    const before = (await pullAll(server.url, token)).changes;
    const c1 = before.find((c) => c.id === 'c1')!;
    const m2 = before.find((c) => c.id === 'm2')!;
    await tamper("UPDATE records SET data = $1 WHERE id = 'c1'", [JSON.stringify(m2.data)]);
    await tamper("UPDATE records SET data = $1 WHERE id = 'm2'", [JSON.stringify(c1.data)]);
    const after = (await pullAll(server.url, token)).changes;
    for (const id of ['c1', 'm2']) {
      await expect(open(key, after.find((c) => c.id === id)!)).rejects.toMatchObject({
        failure: 'authentication-failed',
      });
    }
  });
});
