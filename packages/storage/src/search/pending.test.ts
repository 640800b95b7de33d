import { describe, expect, it } from 'vitest';
import type { StorageChange } from '../types.js';
import { addChange, emptyPending, isEmpty } from './pending.js';

const change = (partial: Partial<StorageChange>): StorageChange => ({
  origin: 'local',
  projectId: 'default',
  conversations: [],
  messages: [],
  ...partial,
});

describe('pending index updates', () => {
  it('merge a burst of writes to one message into one read', () => {
    const p = emptyPending();
    for (let i = 0; i < 5; i++) {
      addChange(p, change({ messages: [{ id: 'm1', conversationId: 'c1', deleted: false }] }));
    }
    expect([...p.messages.get('c1')!]).toEqual(['m1']);
    expect([...p.conversations]).toEqual(['c1']);
  });

  it('let a later delete win over an earlier write, and a later write over an earlier delete', () => {
    const p = emptyPending();
    addChange(p, change({ messages: [{ id: 'm1', conversationId: 'c1', deleted: false }] }));
    addChange(p, change({ messages: [{ id: 'm1', conversationId: 'c1', deleted: true }] }));
    expect(p.messages.get('c1')?.has('m1')).toBe(false);
    expect(p.deletedMessages.get('m1')).toBe('c1');
    addChange(p, change({ messages: [{ id: 'm1', conversationId: 'c1', deleted: false }] }));
    expect(p.deletedMessages.has('m1')).toBe(false);
    expect(p.messages.get('c1')?.has('m1')).toBe(true);
  });

  it('mark a conversation deleted and written again for a whole reindex, so its old messages go', () => {
    const p = emptyPending();
    addChange(p, change({ conversations: [{ id: 'c1', deleted: true }] }));
    addChange(p, change({ conversations: [{ id: 'c1', deleted: false }] }));
    expect(p.deletedConversations.has('c1')).toBe(false);
    expect(p.recreated.has('c1')).toBe(true);
    expect(isEmpty(p)).toBe(false);
  });

  it('drop pending message reads of a conversation that is then deleted', () => {
    const p = emptyPending();
    addChange(p, change({ messages: [{ id: 'm1', conversationId: 'c1', deleted: false }] }));
    addChange(p, change({ conversations: [{ id: 'c1', deleted: true }] }));
    expect(p.messages.has('c1')).toBe(false);
    expect(p.conversations.has('c1')).toBe(false);
    expect([...p.deletedConversations]).toEqual(['c1']);
  });
});
