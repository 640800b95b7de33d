import { describe, expect, it } from 'vitest';
import type { Message } from '../types.js';
import { type ContractContext, expectStorageError, messageInput } from './context.js';

export function messageRules(ctx: ContractContext): void {
  describe('messages', () => {
    it('saveMessage fills status and times and returns what it stored', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const before = Date.now();
      const saved = await db.saveMessage(messageInput(c, { id: 'm1', content: 'hi' }));
      expect(saved).toMatchObject({
        id: 'm1',
        conversationId: c.id,
        projectId: 'p1',
        role: 'user',
        content: 'hi',
      });
      expect(saved.status).toBe('complete');
      expect(saved.createdAt).toBeGreaterThanOrEqual(before);
      expect(saved.updatedAt).toBeGreaterThanOrEqual(saved.createdAt);
      expect(await db.loadConversation(c.id)).toEqual([saved]);
    });

    it('getMessagesByIds returns the named messages in the order asked, undefined for unknown or deleted ids', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1' });
      const b = await db.createConversation({ projectId: 'p2' });
      const a1 = await db.saveMessage(messageInput(a, { id: 'a1', content: 'first' }));
      const b1 = await db.saveMessage(messageInput(b, { id: 'b1', content: 'other project' }));
      await db.saveMessage(messageInput(a, { id: 'a2', content: 'gone soon' }));
      await db.deleteMessage('a2');
      expect(await db.getMessagesByIds(['b1', 'nope', 'a1', 'a2'])).toEqual([b1, undefined, a1, undefined]);
      expect(await db.getMessagesByIds([])).toEqual([]);
    });

    it('every field of a tool-using exchange round-trips exactly', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const call: Message = {
        id: 'a1',
        conversationId: c.id,
        projectId: 'p1',
        role: 'assistant',
        content: '',
        status: 'complete',
        toolCalls: [{ id: 'call-1', name: 'weather', arguments: { city: 'Oslo', days: [1, 2] } }],
        metadata: {
          model: 'gpt-x',
          tokens: { input: 12, output: 3 },
          attachments: [{ name: 'a.png', mediaType: 'image/png', size: 10 }],
          reasoning: ['thought'],
        },
        parentId: null,
        createdAt: 1000,
        updatedAt: 1001,
      };
      const result: Message = {
        id: 't1',
        conversationId: c.id,
        projectId: 'p1',
        role: 'tool',
        content: 'sunny',
        status: 'complete',
        toolCallId: 'call-1',
        toolName: 'weather',
        toolResult: { temp: 21.5, ok: true, list: [null, 'x'] },
        parentId: 'a1',
        createdAt: 1002,
        updatedAt: 1002,
      };
      expect(await db.saveMessage(call)).toEqual(call);
      expect(await db.saveMessage(result)).toEqual(result);
      expect(await db.loadConversation(c.id)).toEqual([call, result]);
    });

    it('saveMessage is an upsert that keeps fields the input leaves out', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const first = await db.saveMessage(
        messageInput(c, {
          id: 'm1',
          role: 'assistant',
          status: 'streaming',
          metadata: { model: 'm' },
          createdAt: 500,
        }),
      );
      const second = await db.saveMessage(
        messageInput(c, { id: 'm1', role: 'assistant', content: 'longer' }),
      );
      expect(second).toMatchObject({
        content: 'longer',
        status: 'streaming',
        metadata: { model: 'm' },
        createdAt: 500,
      });
      expect(second.updatedAt).toBeGreaterThanOrEqual(first.updatedAt);
      expect(await db.loadConversation(c.id)).toEqual([second]);
      expect((await db.getConversation(c.id))?.messageCount).toBe(1);
    });

    it('loadConversation returns every message in chronological order, ties by id', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await db.saveMessage(messageInput(c, { id: 'c', createdAt: 20 }));
      await db.saveMessage(messageInput(c, { id: 'b', createdAt: 10 }));
      await db.saveMessage(messageInput(c, { id: 'a', createdAt: 20 }));
      await db.saveMessage(messageInput(c, { id: 'd', createdAt: 5 }));
      expect((await db.loadConversation(c.id)).map((m) => m.id)).toEqual(['d', 'b', 'a', 'c']);
    });

    it('a message for a conversation that does not exist is refused, naming it', async () => {
      const db = await ctx.open();
      await expectStorageError(
        db.saveMessage(messageInput({ id: 'ghost', projectId: 'p1' })),
        'not-found',
        /ghost/,
      );
      expect(await db.loadConversation('ghost')).toEqual([]);
    });

    it("a message's projectId must be its conversation's", async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      await expectStorageError(
        db.saveMessage(messageInput({ id: c.id, projectId: 'p2' })),
        'invalid-input',
        /p1/,
      );
      expect(await db.loadConversation(c.id)).toEqual([]);
    });

    it('a message cannot move to another conversation', async () => {
      const db = await ctx.open();
      const a = await db.createConversation({ projectId: 'p1' });
      const b = await db.createConversation({ projectId: 'p1' });
      await db.saveMessage(messageInput(a, { id: 'm1' }));
      await expectStorageError(db.saveMessage(messageInput(b, { id: 'm1' })), 'invalid-input', /m1/);
      expect((await db.loadConversation(a.id)).map((m) => m.id)).toEqual(['m1']);
      expect(await db.loadConversation(b.id)).toEqual([]);
    });

    it('bad message input is refused with the field named', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ role: 'robot' }, /role/],
        [{ id: '' }, /id/],
        [{ content: 42 }, /content/],
        [{ status: 'done' }, /status/],
        [{ toolResult: () => 1 }, /toolResult/],
        [{ toolResult: new Date() }, /toolResult/],
        [{ createdAt: -1 }, /createdAt/],
      ];
      for (const [override, pattern] of cases) {
        await expectStorageError(
          db.saveMessage({ ...messageInput(c), ...override } as never),
          'invalid-input',
          pattern,
        );
      }
      const missingId = messageInput(c) as Partial<Message>;
      delete missingId.id;
      await expectStorageError(db.saveMessage(missingId as never), 'invalid-input', /id/);
      expect(await db.loadConversation(c.id)).toEqual([]);
    });

    it('updateMessage patches content and status and bumps updatedAt', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(
        messageInput(c, {
          role: 'assistant',
          status: 'streaming',
          content: 'par',
          createdAt: 100,
          updatedAt: 100,
        }),
      );
      const updated = await db.updateMessage(m.id, { content: 'partial', status: 'interrupted' });
      expect(updated).toMatchObject({ id: m.id, content: 'partial', status: 'interrupted', createdAt: 100 });
      expect(updated.updatedAt).toBeGreaterThan(100);
      expect(await db.loadConversation(c.id)).toEqual([updated]);
    });

    it('updateMessage of an unknown id is not-found', async () => {
      const db = await ctx.open();
      await expectStorageError(db.updateMessage('missing', { content: 'x' }), 'not-found', /missing/);
    });

    it('updateMessage cannot change which conversation or project a message belongs to', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c));
      await expectStorageError(
        db.updateMessage(m.id, { conversationId: 'other' }),
        'invalid-input',
        /conversationId/,
      );
      await expectStorageError(db.updateMessage(m.id, { projectId: 'other' }), 'invalid-input', /projectId/);
      await expectStorageError(db.updateMessage(m.id, { role: 'robot' as never }), 'invalid-input', /role/);
      expect(await db.loadConversation(c.id)).toEqual([m]);
    });

    it('deleteMessage removes that message and the messages under it, nothing else', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const a = await db.saveMessage(messageInput(c, { createdAt: 1 }));
      const b = await db.saveMessage(messageInput(c, { createdAt: 2 }));
      const c2 = await db.saveMessage(messageInput(c, { createdAt: 3 }));
      const other = await db.createConversation({ projectId: 'p1' });
      const kept = await db.saveMessage(messageInput(other, { createdAt: 4 }));
      await db.deleteMessage(b.id);
      expect(await db.loadConversation(c.id)).toEqual([a]);
      expect(await db.loadConversation(other.id)).toEqual([kept]);
      await expectStorageError(db.updateMessage(c2.id, { content: 'x' }), 'not-found');
    });

    it('deleteMessage of an unknown id is not-found', async () => {
      const db = await ctx.open();
      await expectStorageError(db.deleteMessage('missing'), 'not-found', /missing/);
    });

    it('a deleted message can be saved again under the same id', async () => {
      const db = await ctx.open();
      const c = await db.createConversation({ projectId: 'p1' });
      const m = await db.saveMessage(messageInput(c, { content: 'first' }));
      await db.deleteMessage(m.id);
      const again = await db.saveMessage(messageInput(c, { id: m.id, content: 'second' }));
      expect(await db.loadConversation(c.id)).toEqual([again]);
    });
  });
}
