import type { StorageChange } from '@chatkeep/storage';
import { describe, expect, it } from 'vitest';
import { createInvalidator } from './invalidation.js';
import { queryKeys } from './query-keys.js';

/** An invalidator on a hand-driven clock: `advance` runs what falls due. */
function harness(listEveryMs = 1000) {
  const invalidated: { at: number; key: unknown }[] = [];
  let clock = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const invalidate = createInvalidator(
    {
      invalidateQueries: async (f: { queryKey: unknown }) =>
        void invalidated.push({ at: clock, key: f.queryKey }),
    } as never,
    { later: (fn, ms) => timers.push({ at: clock + ms, fn }), now: () => clock, frameMs: 16, listEveryMs },
  );
  const advance = (ms: number) => {
    const end = clock + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      clock = Math.max(clock, due.at);
      due.fn();
    }
    clock = end;
  };
  return { invalidate, invalidated, advance, timers: () => timers };
}

const messageWrite = (
  origin: StorageChange['origin'],
  conversationId: string,
  id: string,
): StorageChange => ({
  origin,
  projectId: 'p1',
  conversations: [],
  messages: [{ id, conversationId, deleted: false }],
});

describe('change feed to query invalidation', () => {
  it('invalidates the project list, usage figures, the conversation and its messages for a message write', () => {
    const h = harness();
    h.invalidate(messageWrite('other-tab', 'c1', 'm1'));
    h.advance(16);
    expect(h.invalidated.map((i) => i.key)).toEqual(
      expect.arrayContaining([
        queryKeys.conversations('p1'),
        queryKeys.conversation('c1'),
        queryKeys.messages('c1'),
        queryKeys.tree('c1'),
        queryKeys.usage,
      ]),
    );
    expect(h.invalidated).toHaveLength(5);
  });

  it('gathers a burst of writes into one invalidation per query', () => {
    const h = harness();
    for (let i = 0; i < 10; i++) {
      h.invalidate({
        origin: 'local',
        projectId: 'p1',
        conversations: [{ id: 'c1', deleted: false }],
        messages: [{ id: `m${i}`, conversationId: 'c1', deleted: false }],
      });
    }
    expect(h.timers()).toHaveLength(1);
    h.advance(16);
    expect(h.invalidated).toHaveLength(6);
    expect(h.invalidated.map((i) => i.key)).toContainEqual(queryKeys.projects);
  });

  it('a project renamed (here, in another tab or by sync) invalidates the project lists', () => {
    const h = harness();
    h.invalidate({
      origin: 'sync',
      projectId: 'p1',
      conversations: [],
      messages: [],
      projects: [{ id: 'p1', deleted: false }],
    });
    h.advance(16);
    // By prefix, ['projects'] covers the records with names (['projects', 'records']).
    expect(h.invalidated.map((i) => i.key)).toEqual([queryKeys.conversations('p1'), queryKeys.projects]);
  });

  it('writes from the sync refresh lists at most once a second, each conversation within a frame', () => {
    const h = harness(1000);
    // A download writing every 200 ms for 3 s, a different conversation each time.
    for (let i = 0; i < 15; i++) {
      h.invalidate(messageWrite('sync', `c${i}`, `m${i}`));
      h.advance(200);
    }
    h.advance(1000);
    const listRefreshes = h.invalidated.filter(
      (i) => i.key === undefined || String(i.key) === 'conversations,p1',
    );
    expect(listRefreshes.map((i) => i.at)).toEqual([16, 1016, 2016, 3016]);
    // Every conversation's own queries still within a frame of its write.
    for (let i = 0; i < 15; i++) {
      const at = h.invalidated.find((x) => String(x.key) === `messages,c${i}`)?.at;
      expect(at).toBe(i * 200 + 16);
    }
  });

  it('this tab’s own writes refresh lists within a frame, even during a download', () => {
    const h = harness(1000);
    h.invalidate(messageWrite('sync', 'c1', 'm1'));
    h.advance(100);
    h.invalidate(messageWrite('sync', 'c2', 'm2'));
    h.invalidate(messageWrite('local', 'c3', 'm3'));
    h.advance(16);
    const lists = h.invalidated.filter((i) => String(i.key) === 'conversations,p1').map((i) => i.at);
    // The sync's first write at 16, the local one at 116; the sync write it covered waits for nothing more.
    expect(lists).toEqual([16, 116]);
    h.advance(2000);
    expect(h.invalidated.filter((i) => String(i.key) === 'conversations,p1')).toHaveLength(2);
  });
});
