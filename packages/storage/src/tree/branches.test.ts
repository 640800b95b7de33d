import { describe, expect, it } from 'vitest';
import { ChatStorageError } from '../errors.js';
import {
  activeBranch,
  awaitingParent,
  leafAfterDelete,
  newestLeafUnder,
  resolveActiveLeaf,
  subtreeIds,
  versionsOf,
} from './branches.js';
import { checkNoCycle, checkParent, checkParentUnchanged } from './validate.js';

const m = (id: string, parentId: string | null, createdAt: number) => ({ id, parentId, createdAt });

// u1 ─ a1 ─ u2 ─ a2
//    └ a1b ─ u3          (a1b: a regenerated answer, newer than a2)
const tree = [
  m('u1', null, 1),
  m('a1', 'u1', 2),
  m('u2', 'a1', 3),
  m('a2', 'u2', 4),
  m('a1b', 'u1', 5),
  m('u3', 'a1b', 6),
];
const ids = (list: { id: string }[]) => list.map((x) => x.id);

describe('message tree helpers', () => {
  it('without activeLeafId the newest leaf is shown; with one, its branch', () => {
    expect(ids(activeBranch(tree, undefined).messages)).toEqual(['u1', 'a1b', 'u3']);
    expect(ids(activeBranch(tree, 'a2').messages)).toEqual(['u1', 'a1', 'u2', 'a2']);
    // A leaf that is not here (deleted, or not synced yet): the newest leaf.
    expect(resolveActiveLeaf(tree, 'gone')?.id).toBe('u3');
  });

  it('the newest leaf under a message is the newest by time in its subtree, not down the newest child', () => {
    const continued = [...tree, m('a3', 'a2', 9)];
    expect(newestLeafUnder(continued, 'u1')?.id).toBe('a3');
    expect(newestLeafUnder(continued, 'a1b')?.id).toBe('u3');
    expect(newestLeafUnder(continued, 'nope')).toBeUndefined();
  });

  it('versions are the siblings, chronological', () => {
    expect(versionsOf(tree, 'a1b')).toEqual({ versions: [tree[1], tree[4]], index: 1 });
  });

  it('a subtree is the message and everything under it; the leaf then moves to the newest left under its parent', () => {
    expect([...subtreeIds(tree, 'a1b')].sort()).toEqual(['a1b', 'u3']);
    const remaining = tree.filter((x) => !subtreeIds(tree, 'a1b').has(x.id));
    expect(leafAfterDelete(remaining, tree[4]!)?.id).toBe('a2');
    // No version left under the parent: the parent itself ends the branch.
    const onlyChild = tree.filter((x) => !subtreeIds(tree, 'u2').has(x.id));
    expect(leafAfterDelete(onlyChild, tree[2]!)?.id).toBe('a1');
    expect(leafAfterDelete([m('u1', null, 1)], m('a', 'u1', 2))?.id).toBe('u1');
  });

  it('a message whose parent is missing is marked, and its branch starts below the gap', () => {
    const partial = [m('u1', null, 1), m('u2', 'a1', 3), m('a2', 'u2', 4)];
    expect([...awaitingParent(partial)]).toEqual(['u2']);
    expect(activeBranch(partial, 'a2')).toEqual({
      messages: [partial[1], partial[2]],
      missingParentId: 'a1',
    });
  });

  it('parentId rules: same conversation, no cycle, never changes', () => {
    const refused = (f: () => void) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(ChatStorageError);
        expect((error as ChatStorageError).code).toBe('invalid-input');
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused(() => checkParent({ id: 'x', conversationId: 'c1', parentId: 'x' }, undefined))).toMatch(
      /itself/,
    );
    expect(refused(() => checkParent({ id: 'x', conversationId: 'c1', parentId: 'p' }, undefined))).toMatch(
      /not in conversation c1/,
    );
    expect(
      refused(() =>
        checkParent({ id: 'x', conversationId: 'c1', parentId: 'p' }, { id: 'p', conversationId: 'c2' }),
      ),
    ).toMatch(/conversation c2/);
    const parents: Record<string, string | null> = { a: 'b', b: 'c', c: 'a', d: null };
    expect(refused(() => checkNoCycle('a', (id) => parents[id]))).toMatch(/circle/);
    expect(() => checkNoCycle('d', (id) => parents[id])).not.toThrow();
    expect(
      refused(() =>
        checkParentUnchanged({ id: 'x', conversationId: 'c1', parentId: 'q' }, { parentId: 'p' }),
      ),
    ).toMatch(/never changes/);
    expect(() => checkParentUnchanged({ id: 'x', conversationId: 'c1' }, { parentId: 'p' })).not.toThrow();
  });
});
