import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, SCHEMA_VERSION } from '../src/store/migrations.js';
import { LIVE_MESSAGES_OF_SQL, MESSAGES_OF_SQL, SqliteSyncStore } from '../src/store/sqlite.js';
import { conversationChange, messageChange, stamp, storedForm, tempDir } from './helpers.js';

const dirs: { remove: () => void }[] = [];
const newDir = () => {
  const d = tempDir();
  dirs.push(d);
  return d.path;
};
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

const user = (id: string) => ({ id, username: id, passwordHash: 'scrypt$x', createdAt: 1 });

describe('SQLite store', () => {
  it('creates chatkeep.sqlite in WAL mode at the current schema version', async () => {
    const dir = newDir();
    const store = new SqliteSyncStore(join(dir, 'nested', 'data'));
    await store.close();
    const db = new Database(join(dir, 'nested', 'data', 'chatkeep.sqlite'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('reopening keeps users, records and the version sequence', async () => {
    const dir = newDir();
    const first = new SqliteSyncStore(dir);
    await first.createUser(user('u1'));
    const [a] = await first.push('u1', [storedForm(conversationChange('c1', stamp(1_000)))]);
    await first.close();
    const second = new SqliteSyncStore(dir);
    expect((await second.findUserByName('u1'))?.id).toBe('u1');
    const [b] = await second.push('u1', [storedForm(conversationChange('c2', stamp(1_000)))]);
    expect(a).toMatchObject({ status: 'applied' });
    expect(b).toMatchObject({ status: 'applied' });
    expect((b as { version: number }).version).toBeGreaterThan((a as { version: number }).version);
    expect((await second.pull('u1', 0, 10, 1 << 20)).changes.map((c) => c.id)).toEqual(['c1', 'c2']);
    await second.close();
  });

  it('upgrading a schema 2 file keeps its records and then accepts project records', async () => {
    const dir = newDir();
    const old = new Database(join(dir, 'chatkeep.sqlite'));
    migrate(old, 2);
    old
      .prepare("INSERT INTO users (id, username, password_hash, created_at) VALUES ('u1', 'u1', 'x', 1)")
      .run();
    old
      .prepare(
        `INSERT INTO records (user_id, kind, id, project_id, conversation_id, hlc, deleted, data, version)
         VALUES ('u1', 'message', 'm1', 'default', 'c1', ?, 0, '{"id":"m1"}', 7)`,
      )
      .run(stamp(1_000));
    old.prepare("UPDATE sequence SET value = 7 WHERE name = 'version'").run();
    old.close();
    const store = new SqliteSyncStore(dir);
    expect(await store.messagesOf('u1', 'c1', '', 10, 1 << 20)).toMatchObject({
      changes: [{ id: 'm1', version: 7, data: '{"id":"m1"}' }],
    });
    const project = {
      kind: 'project' as const,
      id: 'p1',
      projectId: 'p1',
      hlc: stamp(2_000),
      deleted: false,
    };
    expect(await store.push('u1', [{ ...project, data: '{"name":"Work"}' }])).toEqual([
      { status: 'applied', version: 8 },
    ]);
    await store.close();
  });

  it('reads a conversation’s messages through the conversation index, not by walking all the user’s messages', async () => {
    const dir = newDir();
    const store = new SqliteSyncStore(dir);
    await store.createUser(user('u1'));
    // Many messages of other conversations, with ids on both sides of the one read.
    const others = Array.from({ length: 300 }, (_, i) =>
      storedForm(messageChange(`m${String(i).padStart(4, '0')}`, `c${i % 30}`, stamp(1_000 + i))),
    );
    await store.push('u1', [...others, storedForm(messageChange('m0150x', 'wanted', stamp(5_000)))]);
    expect((await store.messagesOf('u1', 'wanted', '', 10, 1 << 20)).changes.map((c) => c.id)).toEqual([
      'm0150x',
    ]);
    await store.close();
    // The plan SQLite makes for the store's own statements with real values bound.
    const db = new Database(join(dir, 'chatkeep.sqlite'), { readonly: true });
    const plan = (sql: string, ...values: unknown[]) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...values)
        .map((row) => (row as { detail: string }).detail)
        .join('; ');
    expect(plan(MESSAGES_OF_SQL, 'u1', 'wanted', '', 1001)).toMatch(/USING INDEX records_by_conversation/);
    expect(plan(LIVE_MESSAGES_OF_SQL, 'u1', 'wanted')).toMatch(/USING INDEX records_by_conversation/);
    // What the same read picks unaided: the primary key, every message of the user.
    expect(
      plan(MESSAGES_OF_SQL.replace('INDEXED BY records_by_conversation', ''), 'u1', 'wanted', '', 1001),
    ).toMatch(/USING PRIMARY KEY/);
    db.close();
  });

  it('refuses a database written by a newer server, saying to upgrade', async () => {
    const dir = newDir();
    await new SqliteSyncStore(dir).close();
    const db = new Database(join(dir, 'chatkeep.sqlite'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteSyncStore(dir)).toThrow(/newer Chatkeep server .* Upgrade the server/);
  });

  it('a batch that fails part-way leaves nothing of it behind', async () => {
    const dir = newDir();
    const store = new SqliteSyncStore(dir);
    await store.createUser(user('u1'));
    const before = await store.maxVersion('u1');
    // The second change breaks the table's kind check, after the first was written inside the transaction.
    const unstorable = { ...storedForm(conversationChange('c2', stamp(1_000))), kind: 'folder' as const };
    await expect(
      store.push('u1', [storedForm(conversationChange('c1', stamp(1_000))), unstorable as never]),
    ).rejects.toThrow(/CHECK constraint/);
    expect((await store.pull('u1', 0, 10, 1 << 20)).changes).toEqual([]);
    const [next] = await store.push('u1', [storedForm(conversationChange('c3', stamp(1_000)))]);
    // The sequence did not move either: the failed batch's versions were rolled back.
    expect(next).toEqual({ status: 'applied', version: before + 1 });
    await store.close();
  });

  it('removing a user removes their sessions and records', async () => {
    const dir = newDir();
    const store = new SqliteSyncStore(dir);
    await store.createUser(user('u1'));
    const session = {
      id: 's1',
      tokenHash: 'hash1',
      userId: 'u1',
      createdAt: 1,
      lastUsedAt: 1,
      userAgent: null,
    };
    await store.createSession(session, 100);
    expect(await store.findSession('hash1', 0)).toEqual(session);
    await store.push('u1', [storedForm(conversationChange('c1', stamp(1_000)))]);
    expect(await store.removeUser('u1')).toBe(true);
    expect(await store.findSession('hash1', 0)).toBeUndefined();
    expect((await store.pull('u1', 0, 10, 1 << 20)).changes).toEqual([]);
    expect(await store.removeUser('u1')).toBe(false);
    await store.close();
  });
});
