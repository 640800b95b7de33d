// Makes the message tree of an imported conversation one that storage
// accepts: every parent present, no parent cycle, one copy of each id and,
// when asked, every message later than its parent. Files from other apps
// (and hand-edited ones) break these rules; a break is repaired and
// reported, never a reason to refuse the conversation. Pure: no storage.

export interface TreeNode {
  id: string;
  parentId: string | null;
  /** ms since epoch; may be missing in other apps' files. */
  createdAt?: number;
}

export interface TreeRepairOptions {
  /**
   * Make every message later than its parent (1 ms after it where it was
   * not), and give messages without a time one. Off, times are kept as
   * they are: a Chatkeep file may hold a reply stamped before its question
   * by a device whose clock was behind, and is imported exactly.
   */
  orderTimes?: boolean;
  /** Time for a first message that has none. */
  now?: number;
  /** How a report names a message, for example `conversation "Trip" (c1), message m3`. */
  describe?: (id: string) => string;
}

export interface TreeRepairResult<T extends TreeNode> {
  /** Parents before children, siblings in time order; every duplicate id after the first left out. */
  nodes: (T & { createdAt: number })[];
  /** One line per repair, with the message it touched. */
  problems: { id: string; reason: string }[];
}

const byTimeThenId = (a: { id: string; createdAt?: number }, b: { id: string; createdAt?: number }) =>
  (a.createdAt ?? Number.POSITIVE_INFINITY) - (b.createdAt ?? Number.POSITIVE_INFINITY) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function repairTree<T extends TreeNode>(
  input: readonly T[],
  opts: TreeRepairOptions = {},
): TreeRepairResult<T> {
  const describe = opts.describe ?? ((id: string) => `message ${id}`);
  const problems: { id: string; reason: string }[] = [];
  const nodes = new Map<string, T>();
  for (const node of input) {
    if (nodes.has(node.id)) {
      problems.push({
        id: node.id,
        reason: `${describe(node.id)}: the id appears twice; only the first copy was imported.`,
      });
    } else {
      nodes.set(node.id, node);
    }
  }
  const parent = new Map<string, string | null>();
  /** Messages that lost their parent, and why, to attach elsewhere. */
  const detached = new Map<string, string>();
  for (const node of nodes.values()) {
    if (node.parentId === node.id) {
      detached.set(node.id, 'it names itself as its parent');
    } else if (node.parentId !== null && !nodes.has(node.parentId)) {
      detached.set(node.id, `its parent ${node.parentId} is not among the messages imported`);
    } else {
      parent.set(node.id, node.parentId);
      continue;
    }
    parent.set(node.id, null);
  }
  breakCycles(nodes, parent, detached);
  attachDetached(nodes, parent, detached, problems, describe);
  return ordered(nodes, parent, problems, opts, describe);
}

/** Each parent cycle is cut above its oldest message, which is then attached like one with a missing parent. */
function breakCycles(
  nodes: Map<string, TreeNode>,
  parent: Map<string, string | null>,
  detached: Map<string, string>,
): void {
  const state = new Map<string, 'walking' | 'done'>();
  for (const start of nodes.keys()) {
    const path: string[] = [];
    let at: string | null = start;
    while (at !== null && !state.has(at)) {
      state.set(at, 'walking');
      path.push(at);
      at = parent.get(at) ?? null;
    }
    if (at !== null && state.get(at) === 'walking') {
      const cycle = path.slice(path.indexOf(at));
      const oldest = cycle.map((id) => nodes.get(id)!).sort(byTimeThenId)[0]!;
      parent.set(oldest.id, null);
      detached.set(oldest.id, `its parents lead back to itself (${[...cycle, cycle[0]].join(' -> ')})`);
    }
    for (const id of path) state.set(id, 'done');
  }
}

/**
 * A message without its parent follows the newest message before it in
 * time (as when a flat history became a tree), never one of its own
 * descendants; with none before it, it starts the conversation.
 */
function attachDetached(
  nodes: Map<string, TreeNode>,
  parent: Map<string, string | null>,
  detached: Map<string, string>,
  problems: { id: string; reason: string }[],
  describe: (id: string) => string,
): void {
  if (detached.size === 0) return;
  const byTime = [...nodes.values()].filter((n) => n.createdAt !== undefined).sort(byTimeThenId);
  const isAncestorOrSelf = (ancestor: string, of: string) => {
    for (let at: string | null = of; at !== null; at = parent.get(at) ?? null) {
      if (at === ancestor) return true;
    }
    return false;
  };
  const orphans = [...detached.keys()].map((id) => nodes.get(id)!).sort(byTimeThenId);
  for (const orphan of orphans) {
    let host: TreeNode | undefined;
    if (orphan.createdAt !== undefined) {
      for (let i = byTime.length - 1; i >= 0; i--) {
        const candidate = byTime[i]!;
        if (byTimeThenId(candidate, orphan) >= 0) continue;
        if (!isAncestorOrSelf(orphan.id, candidate.id)) {
          host = candidate;
          break;
        }
      }
    }
    parent.set(orphan.id, host?.id ?? null);
    problems.push({
      id: orphan.id,
      reason: `${describe(orphan.id)}: ${detached.get(orphan.id)}; ${
        host ? `it now follows ${host.id}, the message before it in time.` : 'it now starts the conversation.'
      }`,
    });
  }
}

function ordered<T extends TreeNode>(
  nodes: Map<string, T>,
  parent: Map<string, string | null>,
  problems: { id: string; reason: string }[],
  opts: TreeRepairOptions,
  describe: (id: string) => string,
): TreeRepairResult<T> {
  const children = new Map<string | null, T[]>();
  for (const node of nodes.values()) {
    const p = parent.get(node.id) ?? null;
    const list = children.get(p) ?? [];
    list.push(node);
    children.set(p, list);
  }
  for (const list of children.values()) list.sort(byTimeThenId);
  const out: (T & { createdAt: number })[] = [];
  // Depth first without recursion: a 10,000-message chain would overflow the stack.
  const stack: { node: T; parentTime?: number; parentOriginal?: number }[] = (children.get(null) ?? [])
    .map((node) => ({ node }))
    .reverse();
  while (stack.length > 0) {
    const { node, parentTime, parentOriginal } = stack.pop()!;
    let createdAt = node.createdAt;
    if (opts.orderTimes) {
      if (createdAt === undefined) {
        createdAt = parentTime === undefined ? (opts.now ?? 0) : parentTime + 1;
      } else if (parentTime !== undefined && createdAt <= parentTime) {
        if (parentOriginal !== undefined && createdAt < parentOriginal) {
          problems.push({
            id: node.id,
            reason: `${describe(node.id)}: its time is before its parent's; it was moved to just after it.`,
          });
        }
        createdAt = parentTime + 1;
      }
    }
    const time = createdAt ?? opts.now ?? 0;
    const p = parent.get(node.id) ?? null;
    out.push({ ...node, parentId: p, createdAt: time });
    const below = children.get(node.id) ?? [];
    for (let i = below.length - 1; i >= 0; i--) {
      stack.push({ node: below[i]!, parentTime: time, parentOriginal: node.createdAt ?? time });
    }
  }
  return { nodes: out, problems };
}
