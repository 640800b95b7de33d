// What the server keeps of an encrypted account: an account written in
// plaintext, then turned to end-to-end encryption and edited on, synced
// through the real server on SQLite and on PostgreSQL; afterwards the raw
// SQLite file (with its WAL) and a dump of every PostgreSQL table hold none
// of the canary strings (title, message text, tool arguments, project name,
// tag), while a second device reads them all back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, type ServerDatabase, sqliteDatabase } from './harness/database.js';
import { openDevice, settle } from './harness/devices.js';
import { useTestServer } from './harness/server.js';
import { deviceSnapshot } from './harness/snapshot.js';

const CANARIES = {
  title: 'CANARY-title-4f1d',
  message: 'CANARY-message-b73a',
  toolArgs: 'CANARY-toolargs-0c95',
  project: 'CANARY-project-e2a8',
  tag: 'CANARY-tag-61f7',
  later: 'CANARY-written-after-9d04',
};

describe.each(['sqlite', 'postgres'] as const)('an encrypted account on %s', (store) => {
  let pg: Awaited<ReturnType<typeof createPgDatabase>> | undefined;
  beforeAll(async () => {
    if (store === 'postgres') pg = await createPgDatabase();
  });
  const t = useTestServer({
    env: (): Record<string, string> => (pg ? { CHATKEEP_DATABASE_URL: pg.url } : {}),
  });
  afterAll(async () => {
    await pg?.drop();
  });

  /** A device of a new account with every canary written on it (plaintext), not yet synced. */
  async function writer() {
    const { token, userId } = await t.server.signup();
    const a = await openDevice('a', { serverUrl: t.server.url, token, userId });
    t.open.push(a);
    const projectId = CANARIES.project;
    const conversation = await a.adapter.createConversation({ projectId, title: CANARIES.title });
    await a.adapter.updateConversation(conversation.id, { tags: [CANARIES.tag] });
    await a.adapter.saveMessage({
      id: 'canary-question',
      conversationId: conversation.id,
      projectId,
      role: 'user',
      content: CANARIES.message,
    });
    await a.adapter.saveMessage({
      id: 'canary-answer',
      conversationId: conversation.id,
      projectId,
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call-1', name: 'search', arguments: { query: CANARIES.toolArgs } }],
    });
    const turnOn = async () => {
      await (await a.engine.encryption.prepare('canary passphrase', { iterations: 1_000 })).turnOn();
      await settle(a.engine);
      expect(a.engine.getStatus()).toMatchObject({ state: 'synced', encryption: 'on' });
    };
    /** Written after encryption is on, through the engine's ordinary push. */
    const writeLater = async () => {
      await a.adapter.saveMessage({
        id: 'canary-later',
        conversationId: conversation.id,
        projectId,
        role: 'user',
        content: CANARIES.later,
      });
      await a.sync();
    };
    /** A second device unlocks and reads every canary back. */
    const readBack = async () => {
      const b = await openDevice('b', { serverUrl: t.server.url, token, userId });
      t.open.push(b);
      await b.engine.encryption.unlock({ passphrase: 'canary passphrase' });
      await settle(b.engine);
      await b.engine.prioritize(conversation.id);
      const snapshot = await deviceSnapshot(b.adapter);
      expect(snapshot).toEqual(await deviceSnapshot(a.adapter));
      for (const canary of Object.values(CANARIES)) expect(JSON.stringify(snapshot)).toContain(canary);
    };
    return { a, turnOn, writeLater, readBack };
  }

  async function expectNoCanary(database: ServerDatabase): Promise<void> {
    const text = await database.text();
    expect(text.length).toBeGreaterThan(1000);
    for (const canary of Object.values(CANARIES)) expect(text, canary).not.toContain(canary);
  }

  const database = (): ServerDatabase => pg ?? sqliteDatabase(t.server.dataDir);

  it('an account encrypted before its first sync leaves no canary string in the database', async () => {
    const { a, turnOn, writeLater, readBack } = await writer();
    await turnOn();
    await writeLater();
    expect(a.engine.getStatus().quarantined).toBe(0);
    await readBack();
    await expectNoCanary(database());
  });

  it('turning encryption on replaces the plaintext the server held', async () => {
    const { a, turnOn, writeLater, readBack } = await writer();
    await a.sync();
    // The check below finds them while they are plaintext.
    expect(await database().text()).toContain(CANARIES.message);
    await turnOn();
    await writeLater();
    await readBack();
    // Replaced rows are zeroed in the file (secure_delete); the log's older pages go at its next checkpoint.
    await database().checkpoint();
    await expectNoCanary(database());
  });
});
