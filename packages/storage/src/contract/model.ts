// Model-based property: random sequences of writes and reads, message trees
// included (appends, regenerated versions, switches, forks, subtree deletes),
// agree with a plain in-memory model of the contract.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { previewOf } from '../schema.js';
import type { SyncableChatStorage } from '../types.js';
import type { ContractContext } from './context.js';

type Op =
  | { t: 'create'; project: number }
  | { t: 'append'; conv: number; createdAt: number; content: string }
  | { t: 'regenerate'; msg: number; createdAt: number; content: string }
  | { t: 'resave'; msg: number; content: string }
  | { t: 'update'; msg: number; content: string }
  | { t: 'deleteMessage'; msg: number }
  | { t: 'select'; msg: number }
  | { t: 'fork'; msg: number }
  | { t: 'rename'; conv: number; title: string }
  | { t: 'archive'; conv: number; archived: boolean }
  | { t: 'deleteConversation'; conv: number }
  | { t: 'saveConversation'; conv: number; count: number; createdAt: number }
  | { t: 'page'; conv: number; limit: number; before: number | null }
  | { t: 'list'; project: number };

interface ModelMessage {
  id: string;
  parentId: string | null;
  content: string;
  createdAt: number;
}
interface ModelConversation {
  id: string;
  projectId: string;
  title: string;
  archived: boolean;
  /** The last message of the branch shown, by the rules of DESIGN.md "Message tree". */
  leaf?: string;
  /** activeLeafId as the adapter stores it (how it records `leaf` is its own choice). */
  storedActiveLeafId?: string;
  messages: Map<string, ModelMessage>;
}

const PROJECTS = ['p-a', 'p-b'];
const text = fc.string({ maxLength: 12 });
const index = fc.nat({ max: 50 });
const time = fc.nat({ max: 20 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('create' as const), project: fc.nat({ max: 1 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({ t: fc.constant('append' as const), conv: index, createdAt: time, content: text }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('regenerate' as const),
      msg: index,
      createdAt: time,
      content: text,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('resave' as const), msg: index, content: text }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('update' as const), msg: index, content: text }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteMessage' as const), msg: index }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('select' as const), msg: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('fork' as const), msg: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rename' as const), conv: index, title: text }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('archive' as const), conv: index, archived: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteConversation' as const), conv: index }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('saveConversation' as const),
      conv: index,
      count: fc.integer({ min: 0, max: 4 }),
      createdAt: time,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('page' as const),
      conv: index,
      limit: fc.integer({ min: 1, max: 5 }),
      before: fc.option(index, { nil: null }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('list' as const), project: fc.nat({ max: 1 }) }) },
);

const newer = (a: ModelMessage, b: ModelMessage) =>
  a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);

// The tree rules, written as plainly as possible.
function children(c: ModelConversation, id: string | null): ModelMessage[] {
  return [...c.messages.values()].filter((m) => m.parentId === id);
}
function newestOf(list: ModelMessage[]): ModelMessage | undefined {
  return list.reduce<ModelMessage | undefined>((best, m) => (!best || newer(m, best) ? m : best), undefined);
}
function subtree(c: ModelConversation, id: string): ModelMessage[] {
  const root = c.messages.get(id);
  return root ? [root, ...children(c, id).flatMap((m) => subtree(c, m.id))] : [];
}
/** The newest leaf under `id`, or of the whole conversation for null. */
function newestLeafUnder(c: ModelConversation, id: string | null): ModelMessage | undefined {
  const under = id === null ? [...c.messages.values()] : subtree(c, id);
  return newestOf(under.filter((m) => children(c, m.id).length === 0));
}
function activeBranch(c: ModelConversation): ModelMessage[] {
  const path: ModelMessage[] = [];
  const leaf = c.leaf === undefined ? undefined : c.messages.get(c.leaf);
  for (let m = leaf; m; m = m.parentId === null ? undefined : c.messages.get(m.parentId)) path.unshift(m);
  return path;
}

class Model {
  readonly conversations = new Map<string, ModelConversation>();
  /** Records whose latest local write is not pushed: what pendingChanges must list. */
  readonly pending = new Set<string>();
  private next = 0;

  newId(prefix: string): string {
    return `${prefix}${String(this.next++).padStart(4, '0')}`;
  }
  pick<T>(items: T[], i: number): T | undefined {
    return items.length ? items[i % items.length] : undefined;
  }
  liveConversations(): ModelConversation[] {
    return [...this.conversations.values()];
  }
  liveMessages(): [ModelConversation, ModelMessage][] {
    return this.liveConversations().flatMap((c) =>
      [...c.messages.values()].map((m) => [c, m] as [ModelConversation, ModelMessage]),
    );
  }
  /**
   * A new message saved: it becomes the active leaf when it follows it, or
   * is the newest under a parent on the branch shown.
   */
  add(c: ModelConversation, m: ModelMessage, follows: boolean): void {
    c.messages.set(m.id, m);
    this.pending.add(`message:${m.id}`);
    const onShownBranch =
      m.parentId === null || c.leaf === undefined || activeBranch(c).some((b) => b.id === m.parentId);
    if (follows || (onShownBranch && newestOf(children(c, m.parentId))?.id === m.id)) c.leaf = m.id;
  }
}

/**
 * Checks the conversation against the model: the branch shown, its
 * summaries, and that its record is pending exactly when its stored
 * activeLeafId changed.
 */
async function checkConversation(db: SyncableChatStorage, c: ModelConversation, model: Model): Promise<void> {
  const stored = await db.getConversation(c.id);
  const branch = activeBranch(c);
  const leaf = branch.at(-1);
  expect(stored).toMatchObject({ id: c.id, projectId: c.projectId, title: c.title, archived: c.archived });
  expect(stored?.messageCount).toBe(branch.length);
  expect(stored?.lastMessage).toBe(leaf ? previewOf(leaf.content) : undefined);
  const page = await db.getMessages(c.id, { limit: 1000 });
  expect(page.messages.map((m) => m.id)).toEqual(branch.map((m) => m.id));
  if (stored?.activeLeafId !== c.storedActiveLeafId) {
    c.storedActiveLeafId = stored?.activeLeafId;
    model.pending.add(`conversation:${c.id}`);
  }
}

async function run(db: SyncableChatStorage, model: Model, op: Op): Promise<void> {
  switch (op.t) {
    case 'create': {
      const id = model.newId('c');
      const projectId = PROJECTS[op.project]!;
      await db.createConversation({ id, projectId, title: '' });
      model.conversations.set(id, { id, projectId, title: '', archived: false, messages: new Map() });
      model.pending.add(`conversation:${id}`);
      return;
    }
    case 'append': {
      const c = model.pick(model.liveConversations(), op.conv);
      if (!c) return;
      const id = model.newId('m');
      const saved = await db.saveMessage({
        id,
        conversationId: c.id,
        projectId: c.projectId,
        role: 'user',
        content: op.content,
        createdAt: op.createdAt,
      });
      const parentId = c.leaf ?? null;
      expect(saved.parentId).toBe(parentId);
      model.add(c, { id, parentId, content: op.content, createdAt: op.createdAt }, true);
      await checkConversation(db, c, model);
      return;
    }
    case 'regenerate': {
      const hit = model.pick(model.liveMessages(), op.msg);
      if (!hit) return;
      const [c, original] = hit;
      const id = model.newId('m');
      await db.saveMessage({
        id,
        conversationId: c.id,
        projectId: c.projectId,
        role: 'assistant',
        content: op.content,
        createdAt: op.createdAt,
        parentId: original.parentId,
      });
      model.add(c, { id, parentId: original.parentId, content: op.content, createdAt: op.createdAt }, false);
      const versions = await db.listVersions(id);
      const expected = children(c, original.parentId).sort((a, b) => (newer(a, b) ? 1 : -1));
      expect(versions.versions.map((m) => m.id)).toEqual(expected.map((m) => m.id));
      expect(versions.index).toBe(expected.findIndex((m) => m.id === id));
      await checkConversation(db, c, model);
      return;
    }
    case 'resave':
    case 'update': {
      const hit = model.pick(model.liveMessages(), op.msg);
      if (!hit) return;
      const [c, m] = hit;
      if (op.t === 'update') await db.updateMessage(m.id, { content: op.content });
      else {
        await db.saveMessage({
          id: m.id,
          conversationId: c.id,
          projectId: c.projectId,
          role: 'user',
          content: op.content,
          createdAt: m.createdAt,
        });
      }
      m.content = op.content;
      model.pending.add(`message:${m.id}`);
      await checkConversation(db, c, model);
      return;
    }
    case 'deleteMessage': {
      const hit = model.pick(model.liveMessages(), op.msg);
      if (!hit) return;
      const [c, m] = hit;
      const doomed = subtree(c, m.id);
      await db.deleteMessage(m.id);
      for (const d of doomed) {
        c.messages.delete(d.id);
        model.pending.add(`message:${d.id}`);
      }
      if (c.leaf !== undefined && !c.messages.has(c.leaf)) {
        // The newest branch left under its parent, else the newest branch of all.
        const parent = m.parentId === null ? undefined : c.messages.get(m.parentId);
        c.leaf = (parent ? newestLeafUnder(c, parent.id) : newestLeafUnder(c, null))?.id;
      }
      await checkConversation(db, c, model);
      return;
    }
    case 'select': {
      const hit = model.pick(model.liveMessages(), op.msg);
      if (!hit) return;
      const [c, m] = hit;
      const switched = await db.selectVersion(c.id, m.id);
      c.leaf = newestLeafUnder(c, m.id)!.id;
      expect(switched.id).toBe(c.id);
      await checkConversation(db, c, model);
      return;
    }
    case 'fork': {
      const hit = model.pick(model.liveMessages(), op.msg);
      if (!hit) return;
      const [c, m] = hit;
      const path: ModelMessage[] = [];
      for (
        let at: ModelMessage | undefined = m;
        at;
        at = at.parentId ? c.messages.get(at.parentId) : undefined
      ) {
        path.unshift(at);
      }
      const fork = await db.forkConversation(c.id, m.id);
      // Root first: copies keep their times, which need not grow along the branch.
      const copied = (await db.getMessages(fork.id, { limit: 1000 })).messages;
      expect(copied).toHaveLength((await db.loadConversation(fork.id)).length);
      expect(copied.map((x) => x.content)).toEqual(path.map((x) => x.content));
      const copy: ModelConversation = {
        id: fork.id,
        projectId: c.projectId,
        title: fork.title,
        archived: false,
        leaf: copied.at(-1)?.id,
        storedActiveLeafId: fork.activeLeafId,
        messages: new Map(),
      };
      let parentId: string | null = null;
      for (const [i, x] of copied.entries()) {
        expect(x.parentId).toBe(parentId);
        copy.messages.set(x.id, { id: x.id, parentId, content: x.content, createdAt: path[i]!.createdAt });
        model.pending.add(`message:${x.id}`);
        parentId = x.id;
      }
      model.conversations.set(fork.id, copy);
      model.pending.add(`conversation:${fork.id}`);
      await checkConversation(db, copy, model);
      await checkConversation(db, c, model);
      return;
    }
    case 'rename':
    case 'archive': {
      const c = model.pick(model.liveConversations(), op.conv);
      if (!c) return;
      if (op.t === 'rename') {
        await db.updateConversation(c.id, { title: op.title });
        c.title = op.title;
      } else {
        await db.updateConversation(c.id, { archived: op.archived });
        c.archived = op.archived;
      }
      model.pending.add(`conversation:${c.id}`);
      await checkConversation(db, c, model);
      return;
    }
    case 'deleteConversation': {
      const c = model.pick(model.liveConversations(), op.conv);
      if (!c) return;
      await db.deleteConversation(c.id);
      model.conversations.delete(c.id);
      model.pending.add(`conversation:${c.id}`);
      // The server cascades the conversation's tombstone: its messages need no push.
      for (const id of c.messages.keys()) model.pending.delete(`message:${id}`);
      expect(await db.getConversation(c.id)).toBeUndefined();
      expect(await db.loadConversation(c.id)).toEqual([]);
      return;
    }
    case 'saveConversation': {
      const c = model.pick(model.liveConversations(), op.conv);
      if (!c) return;
      const added = Array.from({ length: op.count }, (_, i) => ({
        id: model.newId('m'),
        content: `bulk ${i}`,
        createdAt: op.createdAt + i,
      }));
      await db.saveConversation(
        { id: c.id, projectId: c.projectId },
        added.map((m) => ({
          ...m,
          conversationId: c.id,
          projectId: c.projectId,
          role: 'assistant' as const,
        })),
      );
      // Without parentId they are chained in time order after the active leaf.
      for (const m of added) model.add(c, { ...m, parentId: c.leaf ?? null }, true);
      model.pending.add(`conversation:${c.id}`);
      await checkConversation(db, c, model);
      return;
    }
    case 'page': {
      const c = model.pick(model.liveConversations(), op.conv);
      if (!c) return;
      const branch = activeBranch(c);
      const before = op.before === null ? undefined : model.pick(branch, op.before);
      const end = before ? branch.indexOf(before) : branch.length;
      const start = Math.max(0, end - op.limit);
      const page = await db.getMessages(c.id, { limit: op.limit, before: before?.id });
      expect(page.messages.map((m) => m.id)).toEqual(branch.slice(start, end).map((m) => m.id));
      expect(page.messages.map((m) => m.content)).toEqual(branch.slice(start, end).map((m) => m.content));
      expect(page.hasMore).toBe(start > 0);
      return;
    }
    case 'list': {
      const projectId = PROJECTS[op.project]!;
      const listed = await db.listConversations(projectId);
      const expected = model
        .liveConversations()
        .filter((c) => c.projectId === projectId && !c.archived)
        .map((c) => c.id)
        .sort();
      expect(listed.map((c) => c.id).sort()).toEqual(expected);
      for (let i = 1; i < listed.length; i++) {
        expect(listed[i - 1]!.updatedAt).toBeGreaterThanOrEqual(listed[i]!.updatedAt);
      }
      return;
    }
  }
}

export function modelRules(ctx: ContractContext): void {
  describe('model-based', () => {
    it('random sequences of writes, versions, switches, forks and reads agree with an in-memory model', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
          const db = await ctx.open();
          try {
            const model = new Model();
            // Two conversations to start with, so that most operations have something to act on.
            await run(db, model, { t: 'create', project: 0 });
            await run(db, model, { t: 'create', project: 1 });
            for (const op of ops) await run(db, model, op);
            const pending = await db.pendingChanges(10_000);
            expect(pending.map((x) => `${x.kind}:${x.id}`).sort()).toEqual([...model.pending].sort());
            expect(await db.pendingCount()).toBe(model.pending.size);
            const stamps = pending.map((x) => x.hlc);
            expect([...stamps].sort()).toEqual(stamps);
          } finally {
            await db.close();
          }
        }),
        { numRuns: 25 },
      );
    });
  });
}
