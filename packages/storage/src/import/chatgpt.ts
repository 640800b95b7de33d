// Reads ChatGPT's data export (`conversations.json`): an array of
// conversations whose messages form a tree (`mapping`, node -> parent and
// children). Editing a prompt or regenerating a reply starts a branch; every
// branch is imported, and the one ChatGPT shows (ending at `current_node`)
// becomes the active one. Nodes without a message Chatkeep can show (the
// empty root, hidden system context) are left out and their children follow
// the nearest message above them. ChatGPT's own ids are kept, so importing
// the same file again updates instead of duplicating.
import type { ConversationInput, MessageInput, MessageMetadata, Role, ToolCall } from '../types.js';
import { extractContent, fileAttachments, toolArguments } from './chatgpt-content.js';
import {
  DEFAULT_PROJECT_ID,
  describeConversation,
  type ImportPlan,
  isRecord,
  type ReaderOptions,
  type SkippedItem,
} from './plan.js';
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

const ROLES = new Set<Role>(['user', 'assistant', 'system', 'tool']);
function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.round(value * 1000)
    : undefined;
}

/** One node's message as read, before its place in the tree is known. */
interface ReadNode {
  message: MessageInput;
  /** The tool call this message makes (an assistant message addressed to a tool). */
  call?: ToolCall;
  /** `update_time` in ms. */
  edited?: number;
}

function readConversation(
  raw: Json,
  mapping: Json,
  index: number,
  opts: ReaderOptions,
  skipped: SkippedItem[],
): { conversation: ConversationInput; messages: MessageInput[] } | undefined {
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
  const read = new Map<string, ReadNode>();
  for (const [nodeId, node] of Object.entries(mapping)) {
    const result = readNode(nodeId, node, id, projectId, name);
    if ('skip' in result) skipped.push({ id: result.id, reason: result.skip });
    else read.set(nodeId, result);
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
      describe: (messageId) => `${name}, message ${messageId}`,
    },
  );
  skipped.push(...problems);

  const messages: MessageInput[] = [];
  /** The tool calls not answered yet on the path down to each message. */
  const openCalls = new Map<string | null, readonly ToolCall[]>([[null, []]]);
  for (const { nodeId, parentId, createdAt } of nodes) {
    const { message: m, call, edited } = read.get(nodeId)!;
    const message: MessageInput = {
      ...m,
      parentId,
      createdAt,
      updatedAt: edited !== undefined && edited > createdAt ? edited : createdAt,
    };
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

  const times = messages.map((m) => m.createdAt!);
  const createdAt = conversationStart ?? (times.length ? Math.min(...times) : opts.now);
  const conversation: ConversationInput = {
    id,
    projectId,
    title: typeof raw.title === 'string' ? raw.title.slice(0, 500) : '',
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
  return { conversation, messages };
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
  const seen = new Set<string>();
  for (let at: string | null = nodeId; at !== null; ) {
    const kept = read.get(at);
    if (kept) return kept.message.id;
    const node: unknown = mapping[at];
    if (!isRecord(node)) return at;
    if (seen.has(at)) return null;
    seen.add(at);
    at = typeof node.parent === 'string' ? node.parent : null;
  }
  return null;
}

/** A node's message, or why it is left out. */
function readNode(
  nodeId: string,
  node: unknown,
  conversationId: string,
  projectId: string,
  name: string,
): ReadNode | { id: string; skip: string } {
  const m = isRecord(node) ? node.message : undefined;
  if (!isRecord(m)) {
    return { id: nodeId, skip: `${name}, node ${nodeId}: has no message (ChatGPT's empty root node).` };
  }
  const messageId = typeof m.id === 'string' && m.id ? m.id : nodeId;
  const author = isRecord(m.author) ? m.author : {};
  const metadata = isRecord(m.metadata) ? m.metadata : {};
  const role = author.role as Role;
  if (!ROLES.has(role)) {
    return {
      id: messageId,
      skip: `${name}, message ${messageId}: author.role ${JSON.stringify(author.role)} is not user, assistant, system or tool.`,
    };
  }
  if (metadata.is_visually_hidden_from_conversation === true) {
    return {
      id: messageId,
      skip: `${name}, message ${messageId}: hidden ${role} message (metadata.is_visually_hidden_from_conversation), not shown in ChatGPT.`,
    };
  }
  const content = isRecord(m.content) ? m.content : {};
  const extracted = extractContent(content);
  const { text, extra } = extracted;
  const files = fileAttachments(metadata);
  const fileIds = new Set(files.map((f) => f.fileId));
  const attachments = [
    ...files.map((f) => f.attachment),
    ...extracted.attachments.filter((a) => !fileIds.has(a.name)),
  ];
  const recipient = typeof m.recipient === 'string' ? m.recipient : 'all';
  const isCall = role === 'assistant' && recipient !== 'all';
  if (!isCall && text.trim() === '' && attachments.length === 0 && Object.keys(extra).length === 0) {
    return { id: messageId, skip: `${name}, message ${messageId}: empty ${role} message.` };
  }

  const meta: MessageMetadata = {};
  if (typeof metadata.model_slug === 'string') meta.model = metadata.model_slug;
  if (attachments.length > 0) meta.attachments = attachments;
  if (Object.keys(extra).length > 0) meta.chatgpt = extra;

  const message: MessageInput = {
    id: messageId,
    conversationId,
    projectId,
    role,
    content: text,
    status: m.status === 'in_progress' ? 'interrupted' : 'complete',
  };
  const createdAt = seconds(m.create_time);
  if (createdAt !== undefined) message.createdAt = createdAt;
  let call: ToolCall | undefined;
  if (isCall) {
    call = { id: messageId, name: recipient, arguments: toolArguments(text, content) };
    message.toolCalls = [call];
    message.content = '';
  }
  if (role === 'tool' && typeof author.name === 'string' && author.name) message.toolName = author.name;
  if (Object.keys(meta).length > 0) message.metadata = meta;
  return { message, call, edited: seconds(m.update_time) };
}
