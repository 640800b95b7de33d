// Reads Claude.ai's data export (`conversations.json`): an array of
// conversations, each with `chat_messages`. Newer exports link each message
// to the one it answers (`parent_message_uuid`, the first ones to a fixed
// root uuid), so edits and retries form branches; older ones are a flat list
// in order. Claude.ai does not say which branch was shown last: the newest
// leaf becomes the active one. Claude's own uuids are kept, so importing the
// same file again updates instead of duplicating.
import type { ConversationInput, MessageInput, Role } from '../types.js';
import { readClaudeMessage } from './claude-content.js';
import {
  DEFAULT_PROJECT_ID,
  describeConversation,
  type ImportPlan,
  isRecord,
  type ReaderOptions,
  type SkippedItem,
} from './plan.js';
import { titleOf } from './titles.js';
import { repairTree } from './tree-repair.js';

type Json = Record<string, unknown>;

/** The parent Claude.ai gives the first message of a conversation. */
export const CLAUDE_ROOT_ID = '00000000-0000-4000-8000-000000000000';

export function isClaudeExport(data: unknown): boolean {
  const first = Array.isArray(data) ? data[0] : data;
  return isRecord(first) && Array.isArray(first.chat_messages);
}

export function readClaudeExport(data: unknown, opts: ReaderOptions): ImportPlan {
  const list = Array.isArray(data) ? data : [data];
  const plan: ImportPlan = { items: [], skipped: [] };
  list.forEach((raw, index) => {
    if (!isRecord(raw) || !Array.isArray(raw.chat_messages)) {
      plan.skipped.push({
        reason: `conversations[${index}]: expected a Claude.ai conversation with "chat_messages".`,
      });
      return;
    }
    const item = readConversation(raw, raw.chat_messages, index, opts, plan.skipped);
    // Built from the file's fields: saving validates every message.
    if (item) plan.items.push({ ...item, validated: false });
  });
  return plan;
}

const SENDERS: Record<string, Role> = { human: 'user', assistant: 'assistant' };

interface ReadMessage {
  /** The message itself, then the tool results it holds (each a `tool` message following it). */
  pieces: MessageInput[];
  /** From the file: null for a first message, undefined when it has no parent field (flat lists). */
  parent: string | null | undefined;
  createdAt?: number;
}

function ms(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const time = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(time) && time > 0 ? Math.round(time) : undefined;
}

function readConversation(
  raw: Json,
  chatMessages: unknown[],
  index: number,
  opts: ReaderOptions,
  skipped: SkippedItem[],
): { conversation: ConversationInput; messages: MessageInput[] } | undefined {
  const id = typeof raw.uuid === 'string' && raw.uuid ? raw.uuid : undefined;
  const name = describeConversation(id, raw.name);
  if (!id) {
    skipped.push({ reason: `conversations[${index}], ${name}: has no "uuid".` });
    return undefined;
  }
  const projectId = opts.projectId ?? DEFAULT_PROJECT_ID;
  const read = new Map<string, ReadMessage>();
  /** Parents of messages left out, so that their children follow the nearest kept message above. */
  const leftOutParent = new Map<string, string | null | undefined>();
  /** Array order, for flat lists: a message without a parent field follows the one before it. */
  let previous: string | null = null;
  chatMessages.forEach((m, i) => {
    const where = `${name}, chat_messages[${i}]`;
    if (!isRecord(m)) {
      skipped.push({ reason: `${where}: expected a message object.` });
      return;
    }
    const messageId = typeof m.uuid === 'string' && m.uuid ? m.uuid : `${id}:${i}`;
    const parent =
      typeof m.parent_message_uuid === 'string'
        ? m.parent_message_uuid === CLAUDE_ROOT_ID
          ? null
          : m.parent_message_uuid
        : previous;
    const thisOne = previous;
    previous = messageId;
    const role = typeof m.sender === 'string' ? SENDERS[m.sender] : undefined;
    const at = `${name}, message ${messageId}`;
    if (read.has(messageId) || leftOutParent.has(messageId)) {
      skipped.push({
        id: messageId,
        reason: `${at}: the id appears twice; only the first copy was imported.`,
      });
      previous = thisOne;
      return;
    }
    if (!role) {
      skipped.push({
        id: messageId,
        reason: `${at}: sender ${JSON.stringify(m.sender)} is neither "human" nor "assistant".`,
      });
      leftOutParent.set(messageId, parent);
      return;
    }
    const message = readClaudeMessage(m, { id: messageId, conversationId: id, projectId, role }, at);
    skipped.push(...message.notes);
    if (!message.pieces) {
      skipped.push({ id: messageId, reason: `${at}: empty ${role} message.` });
      leftOutParent.set(messageId, parent);
      return;
    }
    read.set(messageId, { pieces: message.pieces, parent, createdAt: ms(m.created_at) });
  });

  const conversationStart = ms(raw.created_at);
  const { nodes, problems } = repairTree(
    [...read.entries()].map(([messageId, r]) => ({
      id: messageId,
      parentId: keptAbove(r.parent ?? null, read, leftOutParent),
      createdAt: r.createdAt,
    })),
    { orderTimes: true, now: conversationStart ?? opts.now, describe: (m) => `${name}, message ${m}` },
  );
  skipped.push(...problems);

  const messages: MessageInput[] = [];
  /** Each Claude message's last piece: what its children follow. */
  const lastPiece = new Map<string, string>();
  for (const node of nodes) {
    const pieces = read.get(node.id)!.pieces;
    let parentId = node.parentId === null ? null : lastPiece.get(node.parentId)!;
    for (const piece of pieces) {
      messages.push({ ...piece, parentId, createdAt: node.createdAt, updatedAt: node.createdAt });
      parentId = piece.id;
    }
    lastPiece.set(node.id, parentId!);
  }

  const times = messages.map((m) => m.createdAt!);
  const createdAt = conversationStart ?? (times.length ? Math.min(...times) : opts.now);
  const conversation: ConversationInput = {
    id,
    projectId,
    title: titleOf(raw.name, messages),
    createdAt,
    updatedAt: Math.max(ms(raw.updated_at) ?? 0, ...times, createdAt),
    archived: false,
    pinned: raw.is_starred === true,
    tags: [],
  };
  const leaf = newestLeaf(nodes);
  if (leaf) conversation.activeLeafId = lastPiece.get(leaf)!;
  return { conversation, messages };
}

/** The nearest message at or above `parent` that was kept; a parent the file lacks is returned for the repair to report. */
function keptAbove(
  parent: string | null,
  read: Map<string, ReadMessage>,
  leftOutParent: Map<string, string | null | undefined>,
): string | null {
  const seen = new Set<string>();
  let at = parent;
  while (at !== null && !read.has(at) && leftOutParent.has(at) && !seen.has(at)) {
    seen.add(at);
    at = leftOutParent.get(at) ?? null;
  }
  return at !== null && seen.has(at) ? null : at;
}

/** The leaf written last: Claude.ai shows the branch the user last used. */
function newestLeaf(nodes: readonly { id: string; parentId: string | null; createdAt: number }[]) {
  const parents = new Set(nodes.map((n) => n.parentId));
  let newest: { id: string; createdAt: number } | undefined;
  for (const n of nodes) {
    if (parents.has(n.id)) continue;
    if (!newest || n.createdAt > newest.createdAt || (n.createdAt === newest.createdAt && n.id > newest.id)) {
      newest = n;
    }
  }
  return newest?.id;
}
