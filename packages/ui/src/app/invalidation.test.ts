import { describe, expect, it } from 'vitest';
import { createInvalidator } from './invalidation.js';
import { queryKeys } from './query-keys.js';

describe('change feed to query invalidation', () => {
  it('invalidates the project list, usage figures, the conversation and its messages for a message write', () => {
    const invalidated: unknown[] = [];
    const queue: (() => void)[] = [];
    const invalidate = createInvalidator(
      { invalidateQueries: async (f: { queryKey: unknown }) => void invalidated.push(f.queryKey) } as never,
      (fn) => queue.push(fn),
    );
    invalidate({
      origin: 'other-tab',
      projectId: 'p1',
      conversations: [],
      messages: [{ id: 'm1', conversationId: 'c1', deleted: false }],
    });
    queue.shift()?.();
    expect(invalidated).toEqual([
      queryKeys.conversations('p1'),
      queryKeys.usage,
      queryKeys.conversation('c1'),
      queryKeys.messages('c1'),
      queryKeys.tree('c1'),
    ]);
  });

  it('gathers a burst of writes into one invalidation per query', () => {
    const invalidated: unknown[] = [];
    const queue: (() => void)[] = [];
    const invalidate = createInvalidator(
      { invalidateQueries: async (f: { queryKey: unknown }) => void invalidated.push(f.queryKey) } as never,
      (fn) => queue.push(fn),
    );
    for (let i = 0; i < 10; i++) {
      invalidate({
        origin: 'local',
        projectId: 'p1',
        conversations: [{ id: 'c1', deleted: false }],
        messages: [{ id: `m${i}`, conversationId: 'c1', deleted: false }],
      });
    }
    expect(queue).toHaveLength(1);
    queue.shift()?.();
    expect(invalidated).toHaveLength(6);
    expect(invalidated).toContainEqual(queryKeys.projects);
  });

  it('a project renamed (here, in another tab or by sync) invalidates the project lists', () => {
    const invalidated: unknown[] = [];
    const queue: (() => void)[] = [];
    const invalidate = createInvalidator(
      { invalidateQueries: async (f: { queryKey: unknown }) => void invalidated.push(f.queryKey) } as never,
      (fn) => queue.push(fn),
    );
    invalidate({
      origin: 'sync',
      projectId: 'p1',
      conversations: [],
      messages: [],
      projects: [{ id: 'p1', deleted: false }],
    });
    queue.shift()?.();
    // By prefix, ['projects'] covers the records with names (['projects', 'records']).
    expect(invalidated).toEqual([queryKeys.conversations('p1'), queryKeys.projects]);
  });
});
