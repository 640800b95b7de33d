// Nodes of ChatGPT's tree that are not messages of their own: reasoning
// (`thoughts`, `reasoning_recap`) belongs to the answer below it, hidden
// context to the first message below it.
import type { MessageInput, MessageMetadata } from '../types.js';
import type { Folded, ReadNode } from './chatgpt-node.js';
import { isRecord } from './plan.js';
import type { ImportNote } from './report.js';

type Json = Record<string, unknown>;

/** Children of each node, by the `parent` fields (the ones the tree is built from). */
export function childrenOf(mapping: Json): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [nodeId, node] of Object.entries(mapping)) {
    const parent = isRecord(node) && typeof node.parent === 'string' ? node.parent : undefined;
    if (parent === undefined) continue;
    const list = out.get(parent);
    if (list) list.push(nodeId);
    else out.set(parent, [nodeId]);
  }
  return out;
}

/** Whether an assistant message is imported below `nodeId` with only left-out nodes between. */
export function answerFollows(
  nodeId: string,
  below: Map<string, string[]>,
  read: Map<string, ReadNode>,
): boolean {
  const seen = new Set<string>([nodeId]);
  const stack = [...(below.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (seen.has(at)) continue;
    seen.add(at);
    const kept = read.get(at);
    if (kept) {
      if (kept.message.role === 'assistant') return true;
      continue;
    }
    stack.push(...(below.get(at) ?? []));
  }
  return false;
}

/** The folded nodes between `nodeId` and the nearest imported message above it, top first. */
export function foldedAbove(
  mapping: Json,
  read: Map<string, ReadNode>,
  folded: Map<string, Folded>,
  nodeId: string,
): [string, Folded][] {
  const out: [string, Folded][] = [];
  // Called for every message: a loop through left-out nodes is told by a count of
  // steps (more than the mapping's nodes), not by a set of the nodes passed.
  let steps = 0;
  let limit = Number.POSITIVE_INFINITY;
  let node = mapping[nodeId];
  let at = isRecord(node) && typeof node.parent === 'string' ? node.parent : null;
  while (at !== null && !read.has(at)) {
    if (++steps === 3) limit = Object.keys(mapping).length;
    if (steps > limit) {
      // Round a loop: each node once, as first passed.
      const first = out.filter(([id], i) => out.findIndex(([other]) => other === id) === i);
      return first.reverse();
    }
    const fold = folded.get(at);
    if (fold) out.push([at, fold]);
    node = mapping[at];
    at = isRecord(node) && typeof node.parent === 'string' ? node.parent : null;
  }
  return out.reverse();
}

/** Puts the reasoning and hidden context above a message into its metadata, with their notes. */
export function foldInto(
  message: MessageInput,
  above: [string, Folded][],
  claimed: Set<string>,
  notes: ImportNote[],
): void {
  const reasoning: string[] = [];
  const recaps: string[] = [];
  const context: Folded['context'][] = [];
  const from: string[] = [];
  for (const [nodeId, fold] of above) {
    if (fold.context) context.push(fold.context);
    if (message.role === 'assistant' && (fold.reasoning || fold.recap)) {
      if (fold.reasoning) reasoning.push(fold.reasoning);
      if (fold.recap) recaps.push(fold.recap);
      from.push(fold.reasoning ? 'thoughts' : `recap "${fold.recap}"`);
    } else if (!fold.context) continue;
    if (!claimed.has(nodeId)) notes.push(...fold.notes.map((n) => ({ ...n, messageId: message.id })));
    claimed.add(nodeId);
  }
  if (from.length > 0) {
    notes.push({
      kind: 'reasoning',
      messageId: message.id,
      text: `Reasoning before this answer (${from.join(', ')}) is kept in the answer's collapsible "Reasoning" block, not as messages of its own.`,
    });
  }
  if (reasoning.length === 0 && recaps.length === 0 && context.length === 0) return;
  const metadata: MessageMetadata = { ...message.metadata };
  if (reasoning.length > 0) {
    metadata.reasoning = [metadata.reasoning, ...reasoning]
      .filter((r) => typeof r === 'string' && r)
      .join('\n\n');
  }
  if (recaps.length > 0) metadata.reasoningRecap = recaps.join(' ');
  if (context.length > 0) metadata.hiddenContext = context;
  message.metadata = metadata;
}
