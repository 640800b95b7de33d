// Reads ChatGPT's data export (`conversations.json`): an array of
// conversations whose messages form a tree (`mapping`, node -> parent and
// children). Editing a prompt or regenerating a reply starts a branch; every
// branch is imported, and the one ChatGPT shows (ending at `current_node`)
// becomes the active one. Nodes without a message Chatkeep can show (the
// empty root, hidden system context) are left out and their children follow
// the nearest message above them. ChatGPT's own ids are kept, so importing
// the same file again updates instead of duplicating.
import type { ConversationInput, MessageInput, ToolCall } from '../types.js';
import { answerFollows, childrenOf, foldedAbove, foldInto } from './chatgpt-fold.js';
import { type Folded, type ReadNode, readNode, seconds } from './chatgpt-node.js';
import {
  DEFAULT_PROJECT_ID,
  describeConversation,
  type ImportPlan,
  isRecord,
  type ReaderOptions,
  type SkippedItem,
} from './plan.js';
import { branchNotes, type ImportNote } from './report.js';
import { repairTree } from './tree-repair.js';

type Json = Record<string, unknown>;

export function isChatGptExport(data: unknown): boolean {
  const first = Array.isArray(data) ? data[0] : data;
  return isRecord(first) && isRecord(first.mapping);
}

export function readChatGptExport(data: unknown, opts: ReaderOptions): ImportPlan {
  const list = Array.isArray(data) ? data : [data];
  const plan: ImportPlan = { items: [], skipped: [] };
  list.forEach((raw, index) => {
    if (!isRecord(raw) || !isRecord(raw.mapping)) {
      plan.skipped.push({
        reason: `conversations[${index}]: expected a ChatGPT conversation with a "mapping".`,
      });
      return;
    }
    const item = readConversation(raw, raw.mapping, index, opts, plan.skipped);
    // Messages are built from the file's fields here and validated when saved.
    if (item) plan.items.push({ ...item, validated: false });
  });
  return plan;
}

function readConversation(
  raw: Json,
  mapping: Json,
  index: number,
  opts: ReaderOptions,
  skipped: SkippedItem[],
): { conversation: ConversationInput; messages: MessageInput[]; notes: ImportNote[] } | undefined {
  const id =
    typeof raw.conversation_id === 'string' && raw.conversation_id
      ? raw.conversation_id
      : typeof raw.id === 'string' && raw.id
        ? raw.id
        : undefined;
  const name = describeConversation(id, raw.title);
  if (!id) {
    skipped.push({ reason: `conversations[${index}], ${name}: has neither "conversation_id" nor "id".` });
    return undefined;
  }
  const projectId = opts.projectId ?? DEFAULT_PROJECT_ID;
  const notes: ImportNote[] = [];
  const read = new Map<string, ReadNode>();
  const folded = new Map<string, Folded>();
  for (const [nodeId, node] of Object.entries(mapping)) {
    const result = readNode(nodeId, node, id, projectId, name);
    if ('message' in result) read.set(nodeId, result);
    else if ('fold' in result) folded.set(nodeId, result.fold);
    else {
      if (result.skip) skipped.push({ id: result.id, reason: result.skip });
      if (result.note) notes.push(result.note);
    }
  }
  // Reasoning with no answer below it stays an answer of its own, so it is never lost.
  const below = childrenOf(mapping);
  for (const [nodeId, fold] of folded) {
    if (fold.asMessage && !answerFollows(nodeId, below, read)) {
      folded.delete(nodeId);
      read.set(nodeId, fold.asMessage);
    }
  }

  const conversationStart = seconds(raw.create_time);
  const { nodes, problems } = repairTree(
    [...read.entries()].map(([nodeId, r]) => ({
      id: r.message.id,
      parentId: keptAbove(mapping, read, nodeId),
      createdAt: r.message.createdAt,
      nodeId,
    })),
    {
      orderTimes: true,
      now: conversationStart ?? opts.now,
      describe: (messageId) => `Message ${messageId}`,
    },
  );
  for (const p of problems) notes.push({ kind: 'tree', messageId: p.id, text: p.reason });

  const messages: MessageInput[] = [];
  /** The tool calls not answered yet on the path down to each message. */
  const openCalls = new Map<string | null, readonly ToolCall[]>([[null, []]]);
  const claimed = new Set<string>();
  for (const { nodeId, parentId, createdAt } of nodes) {
    // The reader's own object, used once: placed in the tree in place rather than copied.
    const { message, call, edited, notes: own } = read.get(nodeId)!;
    message.parentId = parentId;
    message.createdAt = createdAt;
    message.updatedAt = edited !== undefined && edited > createdAt ? edited : createdAt;
    foldInto(message, foldedAbove(mapping, read, folded, nodeId), claimed, notes);
    notes.push(...own);
    let open = openCalls.get(parentId) ?? [];
    if (call) open = [...open, call];
    if (message.role === 'tool') {
      const at = open.findLastIndex((c) => c.name === message.toolName);
      const answered = open[at >= 0 ? at : open.length - 1];
      if (answered) {
        message.toolCallId = answered.id;
        open = open.filter((c) => c !== answered);
      }
    }
    openCalls.set(message.id, open);
    messages.push(message);
  }
  for (const [nodeId, fold] of folded) {
    if (claimed.has(nodeId) || !fold.context) continue;
    notes.push({
      kind: 'hidden',
      messageId: nodeId,
      text: `Hidden ${fold.context.role} context (${fold.context.contentType}) was left out: no message follows it to keep it with.`,
    });
  }

  const times = messages.map((m) => m.createdAt!);
  const createdAt = conversationStart ?? (times.length ? Math.min(...times) : opts.now);
  const conversation: ConversationInput = {
    id,
    projectId,
    title: typeof raw.title === 'string' && raw.title.trim() ? raw.title.slice(0, 500) : titleFrom(messages),
    createdAt,
    updatedAt: Math.max(seconds(raw.update_time) ?? 0, ...times, createdAt),
    archived: raw.is_archived === true,
    pinned: false,
    tags: [],
  };
  // The branch ChatGPT shows; without a current_node the newest leaf is shown, as in storage.
  const current = typeof raw.current_node === 'string' ? raw.current_node : undefined;
  const activeNode =
    current !== undefined && isRecord(mapping[current]) ? keptAtOrAbove(mapping, read, current) : null;
  if (activeNode !== null) conversation.activeLeafId = activeNode;
  notes.push(...branchNotes(messages, 'ChatGPT'));
  return { conversation, messages, notes };
}

/** A title for a conversation ChatGPT left untitled: the first words of its first prompt. */
function titleFrom(messages: readonly MessageInput[]): string {
  const first = messages
    .filter((m) => m.role === 'user' && m.content.trim())
    .reduce<MessageInput | undefined>((a, m) => (!a || m.createdAt! < a.createdAt! ? m : a), undefined);
  if (!first) return '';
  const words = first.content.trim().split(/\s+/);
  let title = words.slice(0, 8).join(' ');
  if (title.length > 80) title = title.slice(0, 80).trimEnd();
  return title.length < first.content.trim().length ? `${title}…` : title;
}

/** The message id of the nearest imported node above `nodeId` (null: it starts the conversation). */
function keptAbove(mapping: Json, read: Map<string, ReadNode>, nodeId: string): string | null {
  const node = mapping[nodeId];
  const parent = isRecord(node) && typeof node.parent === 'string' ? node.parent : null;
  return parent === null ? null : keptAtOrAbove(mapping, read, parent);
}

/**
 * `nodeId`'s message id when it was imported, else the nearest imported one
 * above it. A parent that is not in the mapping is returned as it is, for
 * the tree repair to report; a loop through left-out nodes ends at null.
 */
function keptAtOrAbove(mapping: Json, read: Map<string, ReadNode>, nodeId: string): string | null {
  // Called for every node, and the answer is nearly always the node or its parent: a
  // count of steps (more than the mapping's nodes means a loop) costs no allocation.
  let steps = 0;
  let limit = Number.POSITIVE_INFINITY;
  for (let at: string | null = nodeId; at !== null; ) {
    const kept = read.get(at);
    if (kept) return kept.message.id;
    const node: unknown = mapping[at];
    if (!isRecord(node)) return at;
    if (++steps === 3) limit = Object.keys(mapping).length;
    if (steps > limit) return null;
    at = typeof node.parent === 'string' ? node.parent : null;
  }
  return null;
}
