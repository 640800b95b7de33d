// Model-based property: random sequences of writes and reads agree with a
// plain in-memory model of the contract. New messages move forward in time
// and a deleted message is its conversation's newest, so every conversation
// stays one branch, where a list and a tree agree; versions and forks have
// their own rules (the tree contract).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { previewOf } from '../schema.js';
import type { SyncableChatStorage } from '../types.js';
import type { ContractContext } from './context.js';

type Op =
  | { t: 'create'; project: number }
  | { t: 'save'; conv: number; existing: number | null; content: string }
  | { t: 'update'; msg: number; content: string }
  | { t: 'deleteMessage'; msg: number }
  | { t: 'rename'; conv: number; title: string }
  | { t: 'archive'; conv: number; archived: boolean }
  | { t: 'deleteConversation'; conv: number }
  | { t: 'saveConversation'; conv: number; count: number }
  | { t: 'page'; conv: number; limit: number; before: number | null }
  | { t: 'list'; project: number };

interface ModelMessage {
  id: string;
  content: string;
  createdAt: number;
}
interface ModelConversation {
  id: string;
  projectId: string;
  title: string;
  archived: boolean;
  messages: Map<string, ModelMessage>;
}

const PROJECTS = ['p-a', 'p-b'];
const text = fc.string({ maxLength: 12 });
const index = fc.nat({ max: 50 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('create' as const), project: fc.nat({ max: 1 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('save' as const),
      conv: index,
      existing: fc.option(index, { nil: null }),
      content: text,
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('update' as const), msg: index, content: text }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteMessage' as const), msg: index }) },
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

function chronological(c: ModelConversation): ModelMessage[] {
  return [...c.messages.values()].sort(
    (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

class Model {
  readonly conversations = new Map<string, ModelConversation>();
  /** Records whose latest local write is not pushed: what pendingChanges must list. */
  readonly pending = new Set<string>();
  private next = 0;
  private clock = 0;

  /** A creation time after every earlier one. */
  tick(): number {
    this.clock += 1;
    return this.clock;
  }

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
}

async function checkConversation(db: SyncableChatStorage, c: ModelConversation): Promise<void> {
  const stored = await db.getConversation(c.id);
  const ordered = chronological(c);
  const newest = ordered.at(-1);
  expect(stored).toMatchObject({ id: c.id, projectId: c.projectId, title: c.title, archived: c.archived });
  expect(stored?.messageCount).toBe(c.messages.size);
  expect(stored?.lastMessage).toBe(newest ? previewOf(newest.content) : undefined);
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
    case 'save': {
      const c = model.pick(model.liveConversations(), op.conv);
      if (!c) return;
      const existing = op.existing === null ? undefined : model.pick([...c.messages.values()], op.existing);
      const id = existing?.id ?? model.newId('m');
      const createdAt = existing ? existing.createdAt : model.tick();
      await db.saveMessage({
        id,
        conversationId: c.id,
        projectId: c.projectId,
        role: 'user',
        content: op.content,
        createdAt,
      });
      c.messages.set(id, { id, content: op.content, createdAt });
      model.pending.add(`message:${id}`);
      await checkConversation(db, c);
      return;
    }
    case 'update': {
      const hit = model.pick(model.liveMessages(), op.msg);
      if (!hit) return;
      const [c, m] = hit;
      await db.updateMessage(m.id, { content: op.content });
      m.content = op.content;
      model.pending.add(`message:${m.id}`);
      await checkConversation(db, c);
      return;
    }
    case 'deleteMessage': {
      const c = model.pick(
        model.liveConversations().filter((x) => x.messages.size > 0),
        op.msg,
      );
      const m = c && chronological(c).at(-1);
      if (!c || !m) return;
      await db.deleteMessage(m.id);
      c.messages.delete(m.id);
      model.pending.add(`message:${m.id}`);
      await checkConversation(db, c);
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
      await checkConversation(db, c);
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
        createdAt: model.tick(),
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
      for (const m of added) {
        c.messages.set(m.id, m);
        model.pending.add(`message:${m.id}`);
      }
      model.pending.add(`conversation:${c.id}`);
      await checkConversation(db, c);
      return;
    }
    case 'page': {
      const c = model.pick(model.liveConversations(), op.conv);
      if (!c) return;
      const ordered = chronological(c);
      const before = op.before === null ? undefined : model.pick(ordered, op.before);
      const end = before ? ordered.indexOf(before) : ordered.length;
      const start = Math.max(0, end - op.limit);
      const page = await db.getMessages(c.id, { limit: op.limit, before: before?.id });
      expect(page.messages.map((m) => m.id)).toEqual(ordered.slice(start, end).map((m) => m.id));
      expect(page.messages.map((m) => m.content)).toEqual(ordered.slice(start, end).map((m) => m.content));
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
    it('random sequences of writes and reads agree with an in-memory model', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
          const db = await ctx.open();
          try {
            const model = new Model();
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
