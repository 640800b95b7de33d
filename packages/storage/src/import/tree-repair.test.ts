import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repairTree, type TreeNode } from './tree-repair.js';

const node = (id: string, parentId: string | null, createdAt?: number): TreeNode => ({
  id,
  parentId,
  ...(createdAt === undefined ? {} : { createdAt }),
});

const parents = (nodes: TreeNode[]) => Object.fromEntries(nodes.map((n) => [n.id, n.parentId]));

/** Every parent present and listed before its children, every id once. */
function expectValidTree(nodes: TreeNode[]) {
  const seen = new Set<string>();
  for (const n of nodes) {
    expect(seen.has(n.id)).toBe(false);
    if (n.parentId !== null) expect(seen.has(n.parentId)).toBe(true);
    seen.add(n.id);
  }
}

describe('repairing an imported message tree', () => {
  it('leaves a sound tree as it is: same parents and times, parents first, siblings in time order', () => {
    const input = [node('a2', 'q', 30), node('q', null, 10), node('a1', 'q', 20), node('f', 'a2', 40)];
    const { nodes, problems } = repairTree(input, { orderTimes: true });
    expect(problems).toEqual([]);
    expect(nodes.map((n) => n.id)).toEqual(['q', 'a1', 'a2', 'f']);
    expect(parents(nodes)).toEqual({ q: null, a1: 'q', a2: 'q', f: 'a2' });
    expect(nodes.map((n) => n.createdAt)).toEqual([10, 20, 30, 40]);
  });

  it('attaches a message whose parent is missing after the message before it in time, and says so', () => {
    const { nodes, problems } = repairTree(
      [node('q', null, 10), node('a', 'q', 20), node('b', 'gone', 30), node('c', 'b', 40)],
      { describe: (id) => `conversation "Trip" (c1), message ${id}` },
    );
    expect(parents(nodes)).toEqual({ q: null, a: 'q', b: 'a', c: 'b' });
    expect(problems).toEqual([
      {
        id: 'b',
        reason:
          'conversation "Trip" (c1), message b: its parent gone is not among the messages imported; it now follows a, the message before it in time.',
      },
    ]);
  });

  it('lets a message with a missing parent and nothing before it start the conversation', () => {
    const { nodes, problems } = repairTree([node('b', 'gone', 5), node('q', null, 10)]);
    expect(parents(nodes)).toEqual({ b: null, q: null });
    expect(problems[0]?.reason).toMatch(/it now starts the conversation/);
  });

  it('cuts a parent cycle above its oldest message and never attaches it under its own descendants', () => {
    // q <- x -> y -> z -> x: the cycle x, y, z hangs off nothing.
    const { nodes, problems } = repairTree([
      node('q', null, 10),
      node('x', 'z', 20),
      node('y', 'x', 30),
      node('z', 'y', 40),
    ]);
    expectValidTree(nodes);
    expect(parents(nodes)).toEqual({ q: null, x: 'q', y: 'x', z: 'y' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ id: 'x' });
    expect(problems[0]?.reason).toMatch(/its parents lead back to itself \(x -> z -> y -> x\)/);
  });

  it('repairs a message that names itself as its parent', () => {
    const { nodes, problems } = repairTree([node('q', null, 10), node('s', 's', 20)]);
    expect(parents(nodes)).toEqual({ q: null, s: 'q' });
    expect(problems[0]?.reason).toMatch(/names itself as its parent/);
  });

  it('keeps the first copy of an id listed twice', () => {
    const { nodes, problems } = repairTree([node('q', null, 10), node('q', null, 99), node('a', 'q', 20)]);
    expect(nodes.map((n) => [n.id, n.createdAt])).toEqual([
      ['q', 10],
      ['a', 20],
    ]);
    expect(problems[0]?.reason).toMatch(/appears twice/);
  });

  it('with orderTimes, moves a message stamped before its parent to just after it, reporting only that one', () => {
    const { nodes, problems } = repairTree(
      [node('q', null, 100), node('a', 'q', 50), node('f', 'a', 101), node('g', 'f', undefined)],
      { orderTimes: true },
    );
    expect(nodes.map((n) => [n.id, n.createdAt])).toEqual([
      ['q', 100],
      ['a', 101],
      ['f', 102],
      ['g', 103],
    ]);
    expect(problems.map((p) => p.id)).toEqual(['a']);
    expect(problems[0]?.reason).toMatch(/its time is before its parent's/);
  });

  it('without orderTimes, keeps times as they are (a Chatkeep file is imported exactly)', () => {
    const { nodes, problems } = repairTree([node('q', null, 100), node('a', 'q', 50)]);
    expect(problems).toEqual([]);
    expect(nodes.map((n) => n.createdAt)).toEqual([100, 50]);
  });

  it('handles a 20,000-message chain without running out of stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => node(`m${i}`, i ? `m${i - 1}` : null, i));
    const { nodes, problems } = repairTree(chain, { orderTimes: true });
    expect(problems).toEqual([]);
    expect(nodes).toHaveLength(20_000);
    expect(nodes.at(-1)).toMatchObject({ id: 'm19999', parentId: 'm19998' });
  });

  it('always returns a valid tree of every distinct id, whatever the parents and times (property)', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const arbitraryNode = fc.record({
      id: fc.constantFrom(...ids),
      parentId: fc.option(fc.constantFrom(...ids, 'missing'), { nil: null }),
      createdAt: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(arbitraryNode, { maxLength: 12 }), fc.boolean(), (input, orderTimes) => {
        const { nodes, problems } = repairTree(input, { orderTimes, now: 0 });
        expectValidTree(nodes);
        expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(input.map((n) => n.id)));
        const byId = new Map(nodes.map((n) => [n.id, n]));
        for (const n of nodes) {
          const original = input.find((i) => i.id === n.id)!;
          // A parent is only ever changed with a report that names the message.
          if (n.parentId !== original.parentId) expect(problems.some((p) => p.id === n.id)).toBe(true);
          if (orderTimes && n.parentId !== null) {
            expect(n.createdAt).toBeGreaterThan(byId.get(n.parentId)!.createdAt);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
