// The SyncStore contract, written once and run against every store
// (sqlite-store-contract.test.ts, pg-store-contract.test.ts). Each suite
// shares one database; every test works under users and keys of its own.
import { compareHlc } from '@chatkeep/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeNotice, PushOutcome, StoredChange, SyncStore, ValidChange } from '../src/store/types.js';
import { UsernameTakenError } from '../src/store/types.js';
import { conversationChange, messageChange, stamp, storedForm, tombstone } from './helpers.js';

export interface StoreFixture {
  store: SyncStore;
  /** Another store instance on the same database (another pool, as another server instance has). */
  another(): Promise<SyncStore>;
  /** Closes what the fixture opened and removes the database. */
  cleanup(): Promise<void>;
}

const MiB = 1024 * 1024;
const t0 = Date.now() - 60_000;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

function version(outcome: PushOutcome | undefined): number {
  if (outcome?.status !== 'applied') throw new Error(`expected applied, got ${JSON.stringify(outcome)}`);
  return outcome.version;
}

const conv = (id: string, ms = t0, fields: { title?: string } = {}) =>
  storedForm(conversationChange(id, stamp(ms), fields));
const msg = (id: string, conversationId: string, ms = t0, content?: string) =>
  storedForm(messageChange(id, conversationId, stamp(ms), { content }));
const gone = (kind: 'conversation' | 'message', id: string, ms: number) =>
  storedForm(tombstone(kind, id, stamp(ms)));

async function pullEverything(store: SyncStore, userId: string, since = 0): Promise<StoredChange[]> {
  const all: StoredChange[] = [];
  let cursor = since;
  for (;;) {
    const page = await store.pull(userId, cursor, 1000, 16 * MiB);
    all.push(...page.changes);
    if (page.changes.length > 0) cursor = page.changes.at(-1)!.version;
    if (!page.hasMore) return all;
  }
}

export function describeStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`SyncStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: SyncStore;
    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterAll(() => fixture?.cleanup());

    async function newUser(): Promise<string> {
      const id = unique('u');
      await store.createUser({ id, username: id, passwordHash: 'scrypt$test', createdAt: 1 });
      return id;
    }

    describe('users', () => {
      it('a user is found by name; a taken name throws UsernameTakenError', async () => {
        const id = await newUser();
        expect(await store.findUserByName(id)).toEqual({
          id,
          username: id,
          passwordHash: 'scrypt$test',
          createdAt: 1,
        });
        expect(await store.findUserByName(unique('nobody'))).toBeUndefined();
        await expect(
          store.createUser({ id: unique('other'), username: id, passwordHash: 'x', createdAt: 2 }),
        ).rejects.toBeInstanceOf(UsernameTakenError);
      });

      it('listing users counts their records; removing one removes sessions and records', async () => {
        const id = await newUser();
        await store.push(id, [conv('c1'), conv('c2')]);
        expect((await store.listUsers()).find((u) => u.id === id)).toEqual({
          id,
          username: id,
          createdAt: 1,
          records: 2,
        });
        await store.createSession(
          { id: unique('s'), tokenHash: `${id}-h`, userId: id, createdAt: 1, lastUsedAt: 1, userAgent: null },
          100,
        );
        expect(await store.removeUser(id)).toBe(true);
        expect(await store.findSession(`${id}-h`, 0)).toBeUndefined();
        expect(await store.pull(id, 0, 10, MiB)).toEqual({ changes: [], hasMore: false });
        expect(await store.removeUser(id)).toBe(false);
      });
    });

    describe('sessions', () => {
      const session = (userId: string, at: number) => ({
        id: unique('s'),
        tokenHash: unique('hash'),
        userId,
        createdAt: at,
        lastUsedAt: at,
        userAgent: 'test agent',
      });

      it('a session is found by its token hash until it goes unused past the expiry', async () => {
        const userId = await newUser();
        const s = session(userId, 1_000);
        await store.createSession(s, 100);
        expect(await store.findSession(s.tokenHash, 1_000)).toEqual(s);
        expect(await store.findSession(s.tokenHash, 1_001)).toBeUndefined();
        await store.touchSession(s.id, 5_000);
        expect(await store.findSession(s.tokenHash, 1_001)).toEqual({ ...s, lastUsedAt: 5_000 });
      });

      it('sessions list most recently used first; ending one stops it; pruning drops expired ones', async () => {
        const userId = await newUser();
        const [a, b, c] = [session(userId, 1_000), session(userId, 3_000), session(userId, 2_000)];
        for (const s of [a, b, c]) await store.createSession(s, 100);
        expect((await store.listSessions(userId, 0)).map((s) => s.id)).toEqual([b.id, c.id, a.id]);
        expect((await store.listSessions(userId, 1_500)).map((s) => s.id)).toEqual([b.id, c.id]);
        expect(await store.deleteSession(userId, c.id)).toBe(true);
        expect(await store.deleteSession(userId, c.id)).toBe(false);
        const stranger = await newUser();
        expect(await store.deleteSession(stranger, b.id)).toBe(false);
        expect(await store.liveSessionIds([a.id, b.id, c.id], 0)).toEqual(new Set([a.id, b.id]));
        expect(await store.liveSessionIds([a.id, b.id], 2_000)).toEqual(new Set([b.id]));
        await store.pruneSessions(2_000);
        expect(await store.findSession(a.tokenHash, 0)).toBeUndefined();
        expect(await store.findSession(b.tokenHash, 0)).toEqual(b);
      });

      it('beyond the most sessions per user, the least recently used end', async () => {
        const userId = await newUser();
        const all = [1, 2, 3, 4].map((n) => session(userId, n * 1_000));
        for (const s of all) await store.createSession(s, 3);
        expect((await store.listSessions(userId, 0)).map((s) => s.id)).toEqual(
          [all[3]!, all[2]!, all[1]!].map((s) => s.id),
        );
      });
    });

    describe('attempt counters', () => {
      const window = (key: string, max = 3) => ({
        scope: 'login-username' as const,
        key,
        max,
        windowMs: 60_000,
      });

      it('counts attempts up to the limit, then refuses with the time until there is room', async () => {
        const w = window(unique('name'));
        const taken = [];
        for (let i = 0; i < 3; i++) taken.push(await store.takeAttempt([w], 10_000 + i));
        expect(taken.every((t) => t.allowed)).toBe(true);
        expect(await store.takeAttempt([w], 20_000)).toEqual({
          allowed: false,
          window: w,
          retryAfterMs: 10_000 + 60_000 - 20_000,
        });
        // The window slides: the first attempt has aged out.
        expect((await store.takeAttempt([w], 70_001)).allowed).toBe(true);
      });

      it('a released attempt no longer counts; a refused one records nothing in any window', async () => {
        const narrow = window(unique('name'), 1);
        const wide = { scope: 'login-address' as const, key: unique('addr'), max: 5, windowMs: 60_000 };
        const first = await store.takeAttempt([narrow, wide], 1_000);
        if (!first.allowed) throw new Error('the first attempt must be allowed');
        expect((await store.takeAttempt([narrow, wide], 1_001)).allowed).toBe(false);
        await store.releaseAttempt(first.ids);
        expect((await store.takeAttempt([narrow, wide], 1_002)).allowed).toBe(true);
        // wide holds one attempt (the released one is forgotten, the refused one added none): four more fit.
        const again = [];
        for (let i = 0; i < 5; i++) again.push(await store.takeAttempt([wide], 1_003 + i));
        expect(again.map((a) => a.allowed)).toEqual([true, true, true, true, false]);
      });

      it('concurrent attempts from several instances never pass the limit together', async () => {
        const other = await fixture.another();
        try {
          const w = window(unique('name'), 10);
          const outcomes = await Promise.all(
            Array.from({ length: 30 }, (_, i) => (i % 2 ? other : store).takeAttempt([w], 5_000)),
          );
          expect(outcomes.filter((o) => o.allowed)).toHaveLength(10);
        } finally {
          await other.close();
        }
      });
    });

    describe('push', () => {
      it('new records are applied with strictly increasing versions, answered in request order', async () => {
        const userId = await newUser();
        const outcomes = await store.push(userId, [msg('m1', 'c1'), conv('c1'), msg('m2', 'c1')]);
        expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);
        // Conversations are applied first, then messages in the order sent.
        const [m1, c1, m2] = outcomes.map(version) as [number, number, number];
        expect(c1).toBeLessThan(m1);
        expect(m1).toBeLessThan(m2);
        expect(await store.maxVersion(userId)).toBe(m2);
      });

      it('a repeated push of the same stamp is a no-op answering applied with the stored version', async () => {
        const userId = await newUser();
        const [first] = await store.push(userId, [conv('c1')]);
        const [again] = await store.push(userId, [conv('c1')]);
        expect(again).toEqual(first);
        expect(await store.maxVersion(userId)).toBe(version(first));
      });

      it('an older stamp is stale with the stored head; a newer one is applied under a new version', async () => {
        const userId = await newUser();
        const [stored] = await store.push(userId, [conv('c1', t0 + 10, { title: 'kept' })]);
        const [stale] = await store.push(userId, [conv('c1', t0 + 5, { title: 'lost' })]);
        expect(stale).toEqual({
          status: 'stale',
          current: {
            kind: 'conversation',
            id: 'c1',
            projectId: 'default',
            conversationId: null,
            hlc: stamp(t0 + 10),
            deleted: false,
            version: version(stored),
          },
        });
        const [newer] = await store.push(userId, [conv('c1', t0 + 20, { title: 'new' })]);
        expect(version(newer)).toBeGreaterThan(version(stored));
        const record = await store.readRecord(userId, 'conversation', 'c1');
        expect(JSON.parse(record!.data!)).toMatchObject({ title: 'new' });
      });

      it('data is kept as the exact text pushed', async () => {
        const userId = await newUser();
        const text = '{"id":"c1", "projectId":"default","title":"\\u00e9  spaced","n":1.50}';
        await store.push(userId, [{ ...conv('c1'), data: text }]);
        expect((await store.readRecord(userId, 'conversation', 'c1'))?.data).toBe(text);
        expect((await store.pull(userId, 0, 10, MiB)).changes[0]?.data).toBe(text);
      });

      it('a message cannot move to another conversation: rejected, the rest of the batch applies', async () => {
        const userId = await newUser();
        await store.push(userId, [conv('c1'), conv('c2'), msg('m1', 'c1')]);
        const outcomes = await store.push(userId, [msg('m1', 'c2', t0 + 1), conv('c3')]);
        expect(outcomes[0]).toMatchObject({
          status: 'rejected',
          reason: expect.stringMatching(/belongs to conversation c1/),
        });
        expect(outcomes[1]?.status).toBe('applied');
      });

      it('project records are stored and pulled like the others', async () => {
        const userId = await newUser();
        const project = { kind: 'project' as const, id: 'p1', projectId: 'p1', hlc: stamp(), deleted: false };
        const data = JSON.stringify({ id: 'p1', name: 'Work', createdAt: 1, updatedAt: 1 });
        const [applied] = await store.push(userId, [{ ...project, data }]);
        expect((await store.pull(userId, 0, 10, MiB)).changes).toEqual([
          { ...project, conversationId: null, data, version: version(applied) },
        ]);
      });

      it('a batch that fails part-way leaves nothing of it behind', async () => {
        const userId = await newUser();
        await store.push(userId, [conv('c0')]);
        const before = await store.maxVersion(userId);
        // The second change breaks the table's kind check after the first was written.
        const unstorable = { ...conv('c2'), kind: 'folder' } as unknown as ValidChange;
        await expect(store.push(userId, [conv('c1'), unstorable])).rejects.toThrow();
        expect((await pullEverything(store, userId)).map((c) => c.id)).toEqual(['c0']);
        expect(await store.maxVersion(userId)).toBe(before);
        expect(version((await store.push(userId, [conv('c3')]))[0])).toBeGreaterThan(before);
      });
    });

    describe('pull', () => {
      it('returns changes after the cursor by version, in pages of the limit', async () => {
        const userId = await newUser();
        const outcomes = await store.push(
          userId,
          Array.from({ length: 7 }, (_, i) => conv(`c${i}`)),
        );
        const versions = outcomes.map(version);
        const first = await store.pull(userId, 0, 3, MiB);
        expect(first.changes.map((c) => c.version)).toEqual(versions.slice(0, 3));
        expect(first.hasMore).toBe(true);
        const second = await store.pull(userId, versions[2]!, 3, MiB);
        expect(second.changes.map((c) => c.id)).toEqual(['c3', 'c4', 'c5']);
        const last = await store.pull(userId, versions[5]!, 3, MiB);
        expect(last).toMatchObject({ hasMore: false, changes: [{ id: 'c6' }] });
        expect(await store.pull(userId, versions[6]!, 3, MiB)).toEqual({ changes: [], hasMore: false });
      });

      it('a page stops before its data passes the byte budget, but always holds one record', async () => {
        const userId = await newUser();
        const big = 'x'.repeat(1000);
        await store.push(
          userId,
          [0, 1, 2, 3].map((i) => conv(`c${i}`, t0, { title: big })),
        );
        const size = Buffer.byteLength((await store.readRecord(userId, 'conversation', 'c0'))!.data!);
        const two = await store.pull(userId, 0, 10, size * 2 + 10);
        expect(two.changes.map((c) => c.id)).toEqual(['c0', 'c1']);
        expect(two.hasMore).toBe(true);
        const one = await store.pull(userId, 0, 10, 10);
        expect(one.changes.map((c) => c.id)).toEqual(['c0']);
        expect(one.hasMore).toBe(true);
        const rest = await store.pull(userId, one.changes[0]!.version, 10, 10);
        expect(rest.changes.map((c) => c.id)).toEqual(['c1']);
        expect(rest.hasMore).toBe(true);
        const all = await store.pull(userId, 0, 10, 100 * size);
        expect(all.changes).toHaveLength(4);
        expect(all.hasMore).toBe(false);
      });
    });

    describe('tombstones', () => {
      it('a delete keeps id and stamp, erases data, and takes the conversation’s messages under new versions', async () => {
        const userId = await newUser();
        await store.push(userId, [conv('c1'), msg('m1', 'c1'), msg('m2', 'c1'), conv('c2'), msg('m3', 'c2')]);
        const before = await store.maxVersion(userId);
        const [deleted] = await store.push(userId, [gone('conversation', 'c1', t0 + 100)]);
        const after = await pullEverything(store, userId, before);
        expect(after.map((c) => [c.kind, c.id, c.deleted, c.data])).toEqual([
          ['conversation', 'c1', true, null],
          ['message', 'm1', true, null],
          ['message', 'm2', true, null],
        ]);
        expect(after[0]!.version).toBe(version(deleted));
        expect(after.every((c) => c.hlc === stamp(t0 + 100))).toBe(true);
        expect(after[1]!.conversationId).toBe('c1');
      });

      it('a message for a deleted conversation is stale with the conversation’s tombstone', async () => {
        const userId = await newUser();
        await store.push(userId, [conv('c1'), gone('conversation', 'c1', t0 + 100)]);
        const [outcome] = await store.push(userId, [msg('m9', 'c1', t0 + 200)]);
        expect(outcome).toMatchObject({
          status: 'stale',
          current: { kind: 'conversation', id: 'c1', deleted: true },
        });
        expect(await store.readRecord(userId, 'message', 'm9')).toBeUndefined();
      });

      it('a newer edit keeps the conversation alive, and only messages stamped before the delete go', async () => {
        const userId = await newUser();
        await store.push(userId, [
          conv('c1', t0 + 300),
          msg('m-old', 'c1', t0),
          msg('m-new', 'c1', t0 + 200),
        ]);
        const [outcome] = await store.push(userId, [gone('conversation', 'c1', t0 + 100)]);
        expect(outcome?.status).toBe('stale');
        expect((await store.readRecord(userId, 'message', 'm-old'))?.deleted).toBe(true);
        expect((await store.readRecord(userId, 'message', 'm-new'))?.deleted).toBe(false);
      });
    });

    describe('isolation', () => {
      it('the same ids under two users are two records, and each user sees only their own', async () => {
        const [a, b] = [await newUser(), await newUser()];
        await store.push(a, [conv('shared', t0, { title: 'A' })]);
        await store.push(b, [conv('shared', t0 + 1, { title: 'B' })]);
        const [aAgain] = await store.push(a, [conv('shared', t0, { title: 'A' })]);
        expect(aAgain?.status).toBe('applied');
        expect(JSON.parse((await store.readRecord(a, 'conversation', 'shared'))!.data!).title).toBe('A');
        expect((await pullEverything(store, b)).map((c) => JSON.parse(c.data!).title)).toEqual(['B']);
        expect((await store.conversationPage(a, '', 100, MiB)).changes).toHaveLength(1);
      });
    });

    describe('bootstrap reads', () => {
      it('a conversation page holds every conversation, tombstones included, with its snapshot’s version', async () => {
        const userId = await newUser();
        await store.push(userId, [conv('c2'), conv('c1'), msg('m1', 'c1'), conv('c3')]);
        await store.push(userId, [gone('conversation', 'c3', t0 + 1)]);
        const page = await store.conversationPage(userId, '', 100, MiB);
        expect(page.changes.map((c) => [c.id, c.deleted])).toEqual([
          ['c1', false],
          ['c2', false],
          ['c3', true],
        ]);
        expect(page.hasMore).toBe(false);
        expect(page.version).toBe(await store.maxVersion(userId));
        expect(await store.conversationPage(await newUser(), '', 100, MiB)).toEqual({
          changes: [],
          hasMore: false,
          version: 0,
        });
      });

      it('the first conversation page also carries the project records, first; later pages do not', async () => {
        const userId = await newUser();
        const name = (id: string) =>
          JSON.stringify({ id, name: `Project ${id}`, createdAt: 1, updatedAt: 1 });
        const project = (id: string) => ({
          kind: 'project' as const,
          id,
          projectId: id,
          hlc: stamp(),
          deleted: false,
        });
        await store.push(userId, [
          { ...project('p2'), data: name('p2') },
          { ...project('p1'), data: name('p1') },
        ]);
        await store.push(userId, [conv('c1'), conv('c2'), conv('c3')]);
        const first = await store.conversationPage(userId, '', 2, MiB);
        expect(first.changes.map((c) => [c.kind, c.id])).toEqual([
          ['project', 'p1'],
          ['project', 'p2'],
          ['conversation', 'c1'],
          ['conversation', 'c2'],
        ]);
        expect(first.hasMore).toBe(true);
        const next = await store.conversationPage(userId, first.changes.at(-1)!.id, 2, MiB);
        expect(next.changes.map((c) => c.id)).toEqual(['c3']);
      });

      it('conversation pages by id, count and bytes hold each conversation once and none is missed', async () => {
        const userId = await newUser();
        const ids = Array.from({ length: 23 }, (_, i) => `c${String(i).padStart(2, '0')}`);
        await store.push(
          userId,
          ids.toReversed().map((id) => conv(id, t0, { title: `title ${id}` })),
        );
        const seen: string[] = [];
        let after = '';
        for (let pages = 1; ; pages++) {
          const page = await store.conversationPage(userId, after, 5, MiB);
          expect(page.changes.length).toBeLessThanOrEqual(5);
          seen.push(...page.changes.map((c) => c.id));
          if (!page.hasMore) {
            expect(pages).toBe(5);
            break;
          }
          after = page.changes.at(-1)!.id;
        }
        expect(seen).toEqual(ids);
        // The byte budget ends a page early, but never before its first record.
        const byBytes = await store.conversationPage(userId, 'c10', 100, 1);
        expect(byBytes.changes.map((c) => c.id)).toEqual(['c11']);
        expect(byBytes.hasMore).toBe(true);
      });

      it('what commits between pages is pulled from the first page’s version, so nothing is missed', async () => {
        const userId = await newUser();
        await store.push(userId, [conv('a1'), conv('a2'), conv('b1'), conv('b2')]);
        const first = await store.conversationPage(userId, '', 2, MiB);
        expect(first.changes.map((c) => c.id)).toEqual(['a1', 'a2']);
        // Meanwhile another device edits a conversation already listed and adds two.
        await store.push(userId, [conv('a1', t0 + 1, { title: 'edited' }), conv('a0'), conv('c1')]);
        const second = await store.conversationPage(userId, 'a2', 10, MiB);
        expect(second.changes.map((c) => c.id)).toEqual(['b1', 'b2', 'c1']);
        expect(second.version).toBeGreaterThan(first.version);
        const pulled = await pullEverything(store, userId, first.version);
        expect(pulled.map((c) => c.id).sort()).toEqual(['a0', 'a1', 'c1']);
        // Newest state of each: the pages, then the pull on top (last write wins by stamp).
        const state = new Map<string, StoredChange>();
        for (const c of [...first.changes, ...second.changes, ...pulled]) {
          const known = state.get(c.id);
          if (!known || compareHlc(known.hlc, c.hlc) <= 0) state.set(c.id, c);
        }
        expect([...state.keys()].sort()).toEqual(['a0', 'a1', 'a2', 'b1', 'b2', 'c1']);
        expect(JSON.parse(state.get('a1')!.data!).title).toBe('edited');
      });

      /** c1 holds m1, m2 (deleted since) and m3, pushed out of id order; c2 holds x. */
      async function threeMessagesOneDeleted(): Promise<string> {
        const userId = await newUser();
        await store.push(userId, [
          conv('c1'),
          conv('c2'),
          msg('m3', 'c1'),
          msg('m1', 'c1'),
          msg('m2', 'c1'),
          msg('x', 'c2'),
        ]);
        await store.push(userId, [gone('message', 'm2', t0 + 1)]);
        return userId;
      }

      it('a conversation’s messages come by id after a given id, paged by count and bytes', async () => {
        const userId = await threeMessagesOneDeleted();
        const first = await store.messagesOf(userId, 'c1', '', 2, MiB);
        expect(first.changes.map((c) => [c.id, c.deleted])).toEqual([
          ['m1', false],
          ['m2', true],
        ]);
        expect(first.hasMore).toBe(true);
        expect(await store.messagesOf(userId, 'c1', 'm2', 2, MiB)).toMatchObject({
          changes: [{ id: 'm3' }],
          hasMore: false,
        });
        const byBytes = await store.messagesOf(userId, 'c1', '', 10, 1);
        expect(byBytes.changes.map((c) => c.id)).toEqual(['m1']);
        expect(byBytes.hasMore).toBe(true);
        expect((await store.messagesOf(userId, 'nothing', '', 10, MiB)).changes).toEqual([]);
      });

      it('a conversation’s messages come newest first before a given id, paged by count and bytes', async () => {
        const userId = await threeMessagesOneDeleted();
        const first = await store.messagesNewestOf(userId, 'c1', '', 2, MiB);
        expect(first.changes.map((c) => [c.id, c.deleted])).toEqual([
          ['m3', false],
          ['m2', true],
        ]);
        expect(first.hasMore).toBe(true);
        expect(await store.messagesNewestOf(userId, 'c1', 'm2', 2, MiB)).toMatchObject({
          changes: [{ id: 'm1' }],
          hasMore: false,
        });
        const byBytes = await store.messagesNewestOf(userId, 'c1', '', 10, 1);
        expect(byBytes.changes.map((c) => c.id)).toEqual(['m3']);
        expect(byBytes.hasMore).toBe(true);
        expect((await store.messagesNewestOf(userId, 'nothing', '', 10, MiB)).changes).toEqual([]);
      });

      it('messages of many conversations come conversation by conversation in the order asked, resumable anywhere', async () => {
        const userId = await newUser();
        await store.push(userId, [
          conv('c1'),
          conv('c2'),
          conv('c3'),
          msg('a2', 'c2'),
          msg('a1', 'c2'),
          msg('b1', 'c1'),
          msg('b2', 'c1'),
          msg('b3', 'c1'),
          msg('z1', 'c3'),
        ]);
        await store.push(userId, [gone('message', 'b2', t0 + 1)]);
        const asked = ['c2', 'empty', 'c1', 'c3'];
        const whole = await store.messagesOfMany(userId, asked, '', 100, MiB);
        expect(whole.changes.map((c) => [c.conversationId, c.id, c.deleted])).toEqual([
          ['c2', 'a1', false],
          ['c2', 'a2', false],
          ['c1', 'b1', false],
          ['c1', 'b2', true],
          ['c1', 'b3', false],
          ['c3', 'z1', false],
        ]);
        expect(whole.hasMore).toBe(false);
        // Pages of 2, each going on from the last conversation and message listed.
        const seen: string[] = [];
        let rest = asked;
        let after = '';
        for (let pages = 1; ; pages++) {
          const page = await store.messagesOfMany(userId, rest, after, 2, MiB);
          expect(page.changes.length).toBeLessThanOrEqual(2);
          seen.push(...page.changes.map((c) => c.id));
          if (!page.hasMore) {
            expect(pages).toBe(3);
            break;
          }
          const last = page.changes.at(-1)!;
          rest = rest.slice(rest.indexOf(last.conversationId!));
          after = last.id;
        }
        expect(seen).toEqual(whole.changes.map((c) => c.id));
        // `after` applies to the first conversation only.
        expect(
          (await store.messagesOfMany(userId, ['c1', 'c2'], 'b1', 100, MiB)).changes.map((c) => c.id),
        ).toEqual(['b2', 'b3', 'a1', 'a2']);
        // The byte budget ends a page early, but never before its first record.
        const byBytes = await store.messagesOfMany(userId, ['c1', 'c2'], '', 100, 1);
        expect(byBytes.changes.map((c) => c.id)).toEqual(['b1']);
        expect(byBytes.hasMore).toBe(true);
        // Another user's conversations of the same ids are theirs alone.
        const other = await newUser();
        await store.push(other, [conv('c1'), msg('theirs', 'c1')]);
        expect((await store.messagesOfMany(other, asked, '', 100, MiB)).changes.map((c) => c.id)).toEqual([
          'theirs',
        ]);
        expect((await store.messagesOfMany(await newUser(), asked, '', 100, MiB)).changes).toEqual([]);
      });
    });

    describe('change notices', () => {
      it('a commit that raises a user’s greatest version is told with that version, after it is readable', async () => {
        const userId = await newUser();
        const seen: { notice: ChangeNotice; readable: number }[] = [];
        const checks: Promise<void>[] = [];
        const stop = store.onChange((notice) => {
          if ('userId' in notice && notice.userId === userId) {
            checks.push(store.maxVersion(userId).then((readable) => void seen.push({ notice, readable })));
          }
        });
        try {
          const outcomes = await store.push(userId, [conv('c1'), conv('c2')]);
          await store.push(userId, [conv('c1')]); // a repeat: nothing new, no notice
          await expect.poll(() => seen.length, { timeout: 2_000 }).toBe(1);
          await Promise.all(checks);
          expect(seen[0]).toEqual({
            notice: { userId, version: version(outcomes[1]) },
            readable: version(outcomes[1]),
          });
        } finally {
          stop();
        }
      });
    });

    describe('encryption keys and shares', () => {
      const on = { material: '{"format":1}', encrypted: true };
      const envelopeText = '{"enc":1,"iv":"AAAAAAAAAAAAAAAA","ct":"AAAAAAAAAAAAAAAAAAAAAA"}';

      it('keys are written only from the stored revision, which each write raises', async () => {
        const userId = await newUser();
        expect(await store.readAccountKeys(userId)).toEqual({
          material: null,
          encrypted: false,
          revision: 0,
          updatedAt: 0,
        });
        expect(await store.writeAccountKeys(userId, 0, on, 5)).toEqual({
          ok: true,
          record: { ...on, revision: 1, updatedAt: 5 },
        });
        expect(await store.writeAccountKeys(userId, 0, { material: null, encrypted: false }, 6)).toEqual({
          ok: false,
          current: { ...on, revision: 1, updatedAt: 5 },
        });
        expect(await store.readAccountKeys(userId)).toMatchObject({ ...on, revision: 1 });
      });

      it('of two instances writing keys from the same revision at once, exactly one wins', async () => {
        const userId = await newUser();
        const other = await fixture.another();
        try {
          const outcomes = await Promise.all([
            store.writeAccountKeys(userId, 0, on, 1),
            other.writeAccountKeys(userId, 0, on, 1),
          ]);
          expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
          expect((await store.readAccountKeys(userId)).revision).toBe(1);
        } finally {
          await other.close();
        }
      });

      it('with encryption on, a plaintext put is rejected; envelopes and tombstones apply', async () => {
        const userId = await newUser();
        await store.writeAccountKeys(userId, 0, on, 1);
        const sealed = { ...conv('c-sealed'), data: envelopeText };
        const outcomes = await store.push(userId, [
          conv('c-plain'),
          sealed,
          gone('conversation', 'c-gone', t0),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'applied', 'applied']);
        expect(outcomes[0]).toMatchObject({ code: 'encryption-required' });
        await store.writeAccountKeys(userId, 1, { ...on, encrypted: false }, 2);
        expect((await store.push(userId, [conv('c-plain')]))[0]!.status).toBe('applied');
      });

      it('a share is read by id, listed for its owner only, and keeps its row without data once revoked', async () => {
        const owner = await newUser();
        const stranger = await newUser();
        const id = unique('share');
        await store.createShare({
          id,
          userId: owner,
          data: envelopeText,
          size: 70,
          createdAt: 3,
          revokedAt: null,
        });
        expect(await store.readShare(id)).toMatchObject({ id, userId: owner, data: envelopeText, size: 70 });
        expect(await store.listShares(owner)).toEqual([
          { id, userId: owner, size: 70, createdAt: 3, revokedAt: null },
        ]);
        expect(await store.listShares(stranger)).toEqual([]);
        expect(await store.revokeShare(stranger, id, 4)).toBe(false);
        expect(await store.revokeShare(owner, id, 5)).toBe(true);
        expect(await store.readShare(id)).toMatchObject({ data: null, revokedAt: 5 });
        expect(await store.readShare(unique('none'))).toBeUndefined();
      });

      it('removing a user removes their keys and shares', async () => {
        const userId = await newUser();
        const id = unique('share');
        await store.writeAccountKeys(userId, 0, on, 1);
        await store.createShare({ id, userId, data: envelopeText, size: 70, createdAt: 3, revokedAt: null });
        expect(await store.removeUser(userId)).toBe(true);
        expect(await store.readShare(id)).toBeUndefined();
        expect((await store.readAccountKeys(userId)).revision).toBe(0);
      });
    });

    describe('concurrency', () => {
      it('concurrent pushes from several instances never make a pull skip a change', async () => {
        const userId = await newUser();
        const others = [await fixture.another(), await fixture.another()];
        const writers = [store, ...others];
        try {
          let done = false;
          const seen = new Map<string, number>();
          let cursor = 0;
          const reader = (async () => {
            while (!done) {
              const page = await others[0]!.pull(userId, cursor, 1000, 16 * MiB);
              for (const c of page.changes) {
                expect(c.version).toBeGreaterThan(cursor);
                seen.set(c.id, c.version);
                cursor = c.version;
              }
            }
          })();
          const pushers = writers.flatMap((w, wi) =>
            [0, 1, 2].map(async (pi) => {
              for (let round = 0; round < 8; round++) {
                const ids = [0, 1, 2].map((k) => `c-${wi}-${pi}-${round}-${k}`);
                await w.push(
                  userId,
                  ids.map((id) => conv(id)),
                );
              }
            }),
          );
          await Promise.all(pushers);
          done = true;
          await reader;
          // One last pull from where the reader stopped: it must bring only what it had not seen.
          for (const c of await pullEverything(store, userId, cursor)) seen.set(c.id, c.version);
          const all = await pullEverything(store, userId);
          expect(all).toHaveLength(3 * 3 * 8 * 3);
          expect(new Set(all.map((c) => c.version)).size).toBe(all.length);
          expect(new Map(all.map((c) => [c.id, c.version]))).toEqual(seen);
        } finally {
          for (const other of others) await other.close();
        }
      });
    });
  });
}
