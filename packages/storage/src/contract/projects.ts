import { describe, expect, it } from 'vitest';
import type { Project, ServerRecordChange, StorageChange } from '../types.js';
import { put, remoteConversation, remoteMessage } from './apply-remote.js';
import {
  type ContractContext,
  expectStorageError,
  FAR_FUTURE,
  messageInput,
  remoteStamp,
} from './context.js';
import { noise } from './errors.js';

/** A project record as another device syncs it. */
function remoteProject(project: Project, hlc: string, version: number, deleted = false): ServerRecordChange {
  return {
    kind: 'project',
    id: project.id,
    projectId: project.id,
    hlc,
    deleted,
    data: deleted ? null : project,
    version,
  };
}

export function projectRules(ctx: ContractContext): void {
  describe('projects', () => {
    it('every project id in use has a record named after it', async () => {
      const db = await ctx.open();
      await db.createConversation({ projectId: 'default' });
      await db.createConversation({ projectId: 'Work' });
      const projects = await db.getProjects();
      expect(projects.map((p) => [p.id, p.name])).toEqual([
        ['default', 'default'],
        ['Work', 'Work'],
      ]);
      expect(await db.listProjects()).toEqual(['Work', 'default'].sort());
    });

    it('saveProject creates a project and renames it, keeping its id and creation time', async () => {
      const db = await ctx.open();
      const created = await db.saveProject({ id: 'p-1', name: '  Travel  ' });
      expect(created).toMatchObject({ id: 'p-1', name: 'Travel' });
      expect(created.updatedAt).toBe(created.createdAt);
      const renamed = await db.saveProject({ id: 'p-1', name: 'Trips' });
      expect(renamed).toMatchObject({ id: 'p-1', name: 'Trips', createdAt: created.createdAt });
      expect(await db.getProjects()).toEqual([renamed]);
      expect(await db.listProjects()).toEqual(['p-1']);
    });

    it('projects are listed by name', async () => {
      const db = await ctx.open();
      await db.saveProject({ id: 'a', name: 'Zebra' });
      await db.saveProject({ id: 'b', name: 'apple' });
      await db.saveProject({ id: 'c', name: 'Mango' });
      expect((await db.getProjects()).map((p) => p.name)).toEqual(['apple', 'Mango', 'Zebra']);
    });

    it('a bad name or id is refused with a message that says what to fix', async () => {
      const db = await ctx.open();
      await db.saveProject({ id: 'a', name: 'Work' });
      await expectStorageError(db.saveProject({ id: 'b', name: '   ' }), 'invalid-input', /name/);
      await expectStorageError(db.saveProject({ id: 'b', name: 'x'.repeat(101) }), 'invalid-input', /100/);
      await expectStorageError(db.saveProject({ id: 'b', name: 'two\nlines' }), 'invalid-input', /control/);
      await expectStorageError(db.saveProject({ id: 'b', name: 'work' }), 'invalid-input', /already exists/);
      await expectStorageError(db.saveProject({ id: '', name: 'Home' }), 'invalid-input', /project id/);
      await expectStorageError(
        db.saveProject({ id: 'b', name: 7 as unknown as string }),
        'invalid-input',
        /must be a string/,
      );
      expect((await db.getProjects()).map((p) => p.id)).toEqual(['a']);
      // Its own name again, in another case, is a rename, not a clash.
      expect(await db.saveProject({ id: 'a', name: 'WORK' })).toMatchObject({ name: 'WORK' });
    });

    it('a created or renamed project waits to be pushed as a project record; the same name again does not', async () => {
      const db = await ctx.open();
      const project = await db.saveProject({ id: 'p-1', name: 'Travel' });
      const [change] = (await db.pendingChanges(10)).filter((c) => c.kind === 'project');
      expect(change).toMatchObject({
        kind: 'project',
        id: 'p-1',
        projectId: 'p-1',
        deleted: false,
        data: project,
      });
      await db.markPushed([{ kind: 'project', id: 'p-1', hlc: change!.hlc, version: 1 }], Date.now());
      await db.saveProject({ id: 'p-1', name: 'Travel' });
      expect(await db.pendingChanges(10)).toEqual([]);
      await db.saveProject({ id: 'p-1', name: 'Trips' });
      expect(await db.pendingChanges(10)).toMatchObject([{ kind: 'project', data: { name: 'Trips' } }]);
    });

    it('a rename is reported to subscribers', async () => {
      const db = await ctx.open();
      const seen: StorageChange[] = [];
      db.subscribe((c) => seen.push(c));
      await db.saveProject({ id: 'p-1', name: 'Travel' });
      await expect.poll(() => seen.length).toBe(1);
      expect(seen[0]).toMatchObject({
        origin: 'local',
        projectId: 'p-1',
        projects: [{ id: 'p-1', deleted: false }],
      });
    });
  });

  describe('moveConversation', () => {
    it('moves the conversation and every message of every branch, and both lists change', async () => {
      const db = await ctx.open();
      await db.saveProject({ id: 'to', name: 'Target' });
      const c = await db.createConversation({ projectId: 'from', title: 'Moving' });
      const first = await db.saveMessage(messageInput(c, { content: 'q', createdAt: 1 }));
      await db.saveMessage(messageInput(c, { role: 'assistant', content: 'a1', createdAt: 2 }));
      await db.saveMessage(
        messageInput(c, { role: 'assistant', content: 'a2', createdAt: 3, parentId: first.id }),
      );
      const seen: StorageChange[] = [];
      db.subscribe((change) => seen.push(change));

      const moved = await db.moveConversation(c.id, 'to');
      expect(moved).toMatchObject({ id: c.id, projectId: 'to', title: 'Moving', messageCount: 2 });
      expect(await db.getConversation(c.id)).toEqual(moved);
      expect(await db.listConversations('from')).toEqual([]);
      expect((await db.listConversations('to')).map((x) => x.id)).toEqual([c.id]);
      const messages = await db.loadConversation(c.id);
      expect(messages).toHaveLength(3);
      expect(messages.every((m) => m.projectId === 'to')).toBe(true);
      expect((await db.getMessages(c.id)).messages.map((m) => m.content)).toEqual(['q', 'a2']);
      await expect.poll(() => seen.map((s) => s.projectId).sort()).toEqual(['from', 'to']);
      expect(seen.find((s) => s.projectId === 'to')?.messages).toHaveLength(3);
    });

    it('a moved conversation and its messages wait to be pushed in the new project, the conversation first', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'from' });
      await db.saveMessage(messageInput(c, { content: 'one', createdAt: 1 }));
      const synced = await db.pendingChanges(10);
      await db.markPushed(
        synced.map((ch, i) => ({ kind: ch.kind, id: ch.id, hlc: ch.hlc, version: i + 1 })),
        Date.now(),
      );
      await db.moveConversation(c.id, 'to');
      const pending = await db.pendingChanges(10);
      expect(pending.map((p) => [p.kind, p.projectId])).toEqual([
        ['conversation', 'to'],
        ['message', 'to'],
      ]);
      expect(pending[0]!.data).toMatchObject({ projectId: 'to' });
      expect(pending[1]!.data).toMatchObject({ projectId: 'to' });
    });

    it('new messages of a moved conversation go to its new project; the old project is refused', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'from' });
      await db.moveConversation(c.id, 'to');
      await expectStorageError(
        db.saveMessage(messageInput({ id: c.id, projectId: 'from' })),
        'invalid-input',
        /project to/,
      );
      await db.saveMessage(messageInput({ id: c.id, projectId: 'to' }, { content: 'after' }));
      expect(await db.getConversation(c.id)).toMatchObject({ projectId: 'to', messageCount: 1 });
    });

    it('moving to the project it is in changes nothing; unknown conversations and bad ids are refused', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const pending = await db.pendingCount();
      expect(await db.moveConversation(c.id, 'p1')).toEqual(c);
      expect(await db.pendingCount()).toBe(pending);
      await expectStorageError(db.moveConversation('nope', 'p2'), 'not-found', /nope/);
      await expectStorageError(db.moveConversation(c.id, ''), 'invalid-input', /project id/);
    });

    it('a moved conversation comes from another device into its new project', async () => {
      const db = await ctx.open();
      const t = FAR_FUTURE;
      await db.applyRemote([
        put(remoteConversation({ id: 'rc', projectId: 'from', title: 'Remote' }), remoteStamp(t), 1),
        put(
          remoteMessage({ id: 'rm', conversationId: 'rc', projectId: 'from', parentId: null }),
          remoteStamp(t, 'remote', 1),
          2,
        ),
      ]);
      const seen: StorageChange[] = [];
      db.subscribe((change) => seen.push(change));
      await db.applyRemote([
        put(remoteConversation({ id: 'rc', projectId: 'to', title: 'Remote' }), remoteStamp(t + 1), 3),
        put(
          remoteMessage({ id: 'rm', conversationId: 'rc', projectId: 'to', parentId: null }),
          remoteStamp(t + 1, 'remote', 1),
          4,
        ),
      ]);
      expect(await db.listConversations('from')).toEqual([]);
      expect(await db.listConversations('to')).toMatchObject([{ id: 'rc', messageCount: 1 }]);
      expect((await db.loadConversation('rc')).map((m) => m.projectId)).toEqual(['to']);
      await expect.poll(() => seen.map((s) => s.projectId).sort()).toEqual(['from', 'to']);
    });

    describe.skipIf(!ctx.openWithQuota)('when storage is full', () => {
      it('a move that does not fit leaves the conversation and every message where they were', async () => {
        const db = await ctx.openWithQuota!(200_000);
        const conversation = { id: 'c1', projectId: 'f', title: 'long' };
        const messages = Array.from({ length: 100 }, (_, i) =>
          messageInput(conversation, { id: `m${i}`, content: noise(200), createdAt: i }),
        );
        await db.saveConversation(conversation, messages);
        const before = await db.loadConversation('c1');
        const pending = await db.pendingChanges(500);
        // Every message is rewritten with the longer project id: more than the storage has left.
        const target = 'x'.repeat(200);
        await expectStorageError(db.moveConversation('c1', target), 'quota-exceeded');
        expect(await db.getConversation('c1')).toMatchObject({ projectId: 'f' });
        expect(await db.loadConversation('c1')).toEqual(before);
        expect(await db.pendingChanges(500)).toEqual(pending);
        expect(await db.listConversations(target)).toEqual([]);
      });
    });
  });

  describe('deleteProject', () => {
    async function projectWithTwoConversations(db: Awaited<ReturnType<ContractContext['open']>>) {
      await db.saveProject({ id: 'old', name: 'Old' });
      await db.saveProject({ id: 'keep', name: 'Keep' });
      const a = await db.createConversation({ projectId: 'old', title: 'a' });
      const b = await db.createConversation({ projectId: 'old', title: 'b' });
      await db.saveMessage(messageInput(a, { content: 'a1', createdAt: 1 }));
      await db.saveMessage(messageInput(b, { content: 'b1', createdAt: 1 }));
      await db.saveMessage(messageInput(b, { content: 'b2', createdAt: 2 }));
      return { a, b };
    }

    it('deletes the project with its conversations and messages, leaving tombstones to push', async () => {
      const db = await ctx.open();
      const { a, b } = await projectWithTwoConversations(db);
      await db.deleteProject('old');
      expect((await db.getProjects()).map((p) => p.id)).toEqual(['keep']);
      expect(await db.listProjects()).toEqual(['keep']);
      expect(await db.listConversations('old', { includeArchived: true })).toEqual([]);
      expect(await db.getConversation(a.id)).toBeUndefined();
      expect(await db.loadConversation(b.id)).toEqual([]);
      const pending = await db.pendingChanges(20);
      expect(
        pending
          .filter((p) => p.deleted)
          .map((p) => [p.kind, p.id])
          .sort(),
      ).toEqual(
        [
          ['conversation', a.id],
          ['conversation', b.id],
          ['project', 'old'],
        ].sort(),
      );
    });

    it('with moveTo, its conversations and their messages move to the other project instead', async () => {
      const db = await ctx.open();
      const { a, b } = await projectWithTwoConversations(db);
      await db.deleteProject('old', { moveTo: 'keep' });
      expect((await db.getProjects()).map((p) => p.id)).toEqual(['keep']);
      expect((await db.listConversations('keep')).map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
      expect((await db.loadConversation(b.id)).map((m) => [m.content, m.projectId])).toEqual([
        ['b1', 'keep'],
        ['b2', 'keep'],
      ]);
      const pending = await db.pendingChanges(20);
      expect(pending.filter((p) => p.deleted).map((p) => [p.kind, p.id])).toEqual([['project', 'old']]);
    });

    it('an unknown project, or moving into itself or an unknown project, is refused and changes nothing', async () => {
      const db = await ctx.open();
      const { a } = await projectWithTwoConversations(db);
      const before = await db.pendingChanges(20);
      await expectStorageError(db.deleteProject('nope'), 'not-found', /nope/);
      await expectStorageError(db.deleteProject('old', { moveTo: 'old' }), 'invalid-input', /itself/);
      await expectStorageError(db.deleteProject('old', { moveTo: 'elsewhere' }), 'not-found', /saveProject/);
      expect(await db.getConversation(a.id)).toMatchObject({ projectId: 'old' });
      expect((await db.getProjects()).map((p) => p.id).sort()).toEqual(['keep', 'old']);
      expect(await db.pendingChanges(20)).toEqual(before);
    });
  });

  describe('project records from other devices', () => {
    it('a pulled project record names the project; a newer rename wins', async () => {
      const db = await ctx.open();
      await db.createConversation({ projectId: 'p-1' });
      const t = FAR_FUTURE;
      const project = { id: 'p-1', name: 'Travel', createdAt: 1000, updatedAt: 1000 };
      await db.applyRemote([remoteProject(project, remoteStamp(t), 1)]);
      expect(await db.getProjects()).toEqual([project]);
      await db.applyRemote([remoteProject({ ...project, name: 'Trips' }, remoteStamp(t + 1), 2)]);
      expect((await db.getProjects()).map((p) => p.name)).toEqual(['Trips']);
      // An older stamp arriving late changes nothing.
      await db.applyRemote([remoteProject({ ...project, name: 'Stale' }, remoteStamp(t - 1), 3)]);
      expect((await db.getProjects()).map((p) => p.name)).toEqual(['Trips']);
      expect(await db.getSyncMetadata('project', 'p-1')).toMatchObject({ syncStatus: 'synced', version: 2 });
    });

    it('a pulled project tombstone removes the project, unless conversations made here still use it', async () => {
      const db = await ctx.open();
      const t = FAR_FUTURE;
      const empty = { id: 'empty', name: 'Empty', createdAt: 1000, updatedAt: 1000 };
      const used = { id: 'used', name: 'Used', createdAt: 1000, updatedAt: 1000 };
      await db.applyRemote([remoteProject(empty, remoteStamp(t), 1), remoteProject(used, remoteStamp(t), 2)]);
      await db.createConversation({ projectId: 'used' });
      await db.applyRemote([
        remoteProject(empty, remoteStamp(t + 1), 3, true),
        remoteProject(used, remoteStamp(t + 1), 4, true),
      ]);
      expect((await db.getProjects()).map((p) => p.id)).toEqual(['used']);
    });

    it('a project record whose data is not a project, or names another project, applies nothing', async () => {
      const db = await ctx.open();
      const t = FAR_FUTURE;
      const good = { id: 'p-1', name: 'Fine', createdAt: 1, updatedAt: 1 };
      await expectStorageError(
        db.applyRemote([
          remoteProject(good, remoteStamp(t), 1),
          { ...remoteProject(good, remoteStamp(t), 2), id: 'p-2', projectId: 'p-2' },
        ]),
        'invalid-input',
        /project p-1/,
      );
      await expectStorageError(
        db.applyRemote([remoteProject({ ...good, name: '' }, remoteStamp(t), 1)]),
        'invalid-input',
        /name/,
      );
      expect(await db.getProjects()).toEqual([]);
    });
  });
}
