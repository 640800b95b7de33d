// Reads ChatGPT's data export (`conversations.json`): an array of
// conversations whose messages form a tree (`mapping`, node -> parent and
// children). Editing a prompt or regenerating a reply starts a branch; every
// branch is imported, and the one ChatGPT shows (ending at `current_node`)
// becomes the active one. Nodes without a message Chatkeep can show (the
// empty root, hidden system context) are left out and their children follow
// the nearest message above them. ChatGPT's own ids are kept, so importing
// the same file again updates instead of duplicating.
import type { ConversationInput, MessageInput, MessageMetadata, Role, ToolCall } from '../types.js';
import { replaceCitations } from './chatgpt-citations.js';
import { extractContent, fileAttachments, toolArguments } from './chatgpt-content.js';
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
  notes: ImportNote[];
}

/**
 * A node that is not a message of its own but belongs to the one below it:
 * reasoning (`thoughts`, `reasoning_recap`) goes to the answer that follows,
 * hidden context to the first message under it.
 */
interface Folded {
  reasoning?: string;
  recap?: string;
  context?: { role: string; contentType: string; text: string };
  notes: ImportNote[];
  /** Kept as an answer of its own when no answer follows it. */
  asMessage?: ReadNode;
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
    const { message: m, call, edited, notes: own } = read.get(nodeId)!;
    const message: MessageInput = {
      ...m,
      parentId,
      createdAt,
      updatedAt: edited !== undefined && edited > createdAt ? edited : createdAt,
    };
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

/** Children of each node, by the `parent` fields (the ones the tree is built from). */
function childrenOf(mapping: Json): Map<string, string[]> {
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
function answerFollows(nodeId: string, below: Map<string, string[]>, read: Map<string, ReadNode>): boolean {
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
function foldedAbove(
  mapping: Json,
  read: Map<string, ReadNode>,
  folded: Map<string, Folded>,
  nodeId: string,
): [string, Folded][] {
  const out: [string, Folded][] = [];
  const seen = new Set<string>();
  let node = mapping[nodeId];
  let at = isRecord(node) && typeof node.parent === 'string' ? node.parent : null;
  while (at !== null && !read.has(at) && !seen.has(at)) {
    seen.add(at);
    const fold = folded.get(at);
    if (fold) out.push([at, fold]);
    node = mapping[at];
    at = isRecord(node) && typeof node.parent === 'string' ? node.parent : null;
  }
  return out.reverse();
}

/** Puts the reasoning and hidden context above a message into its metadata, with their notes. */
function foldInto(
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

type NodeResult = ReadNode | { fold: Folded } | { id: string; skip?: string; note?: ImportNote };

/** A node's message; or what it adds to the message below it; or why it is left out. */
function readNode(
  nodeId: string,
  node: unknown,
  conversationId: string,
  projectId: string,
  name: string,
): NodeResult {
  const m = isRecord(node) ? node.message : undefined;
  // ChatGPT's root node holds no message: nothing is left out.
  if (!isRecord(m)) return { id: nodeId };
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
  const content = isRecord(m.content) ? m.content : {};
  const contentType = typeof content.content_type === 'string' ? content.content_type : 'text';
  const extracted = extractContent(content, metadata);
  const notes: ImportNote[] = extracted.notes.map((n) => ({ ...n, messageId }));
  const hidden = metadata.is_visually_hidden_from_conversation === true;
  const contextText = extracted.context ?? (hidden ? extracted.text : undefined);
  if (contextText !== undefined) {
    // Hidden from the chat in ChatGPT too: an empty one (the usual hidden system node) is nothing to keep.
    if (!contextText.trim()) return { id: messageId };
    return {
      fold: {
        context: { role, contentType, text: contextText },
        notes: [
          {
            kind: 'hidden',
            messageId,
            text: `Hidden ${role} context (${contentType}) ChatGPT did not show as chat is kept in the metadata of the message after it (metadata.hiddenContext).`,
          },
        ],
      },
    };
  }

  const files = fileAttachments(metadata);
  const fileIds = new Set(files.map((f) => f.fileId));
  const parts = new Map(extracted.attachments.map((a) => [a.name, a]));
  const attachments = [
    ...files.map(({ fileId, attachment }) => {
      // The same file as an image part: one entry, with the part's dimensions.
      const part = fileId ? parts.get(fileId) : undefined;
      if (part?.width !== undefined) return { ...attachment, width: part.width, height: part.height };
      return attachment;
    }),
    ...extracted.attachments.filter((a) => !fileIds.has(a.name)),
  ];
  for (const { fileId, attachment } of files) {
    if (fileId && parts.has(fileId)) continue;
    const kind = attachment.mediaType.startsWith('image/')
      ? 'image'
      : attachment.mediaType.startsWith('audio/')
        ? 'audio'
        : 'file';
    const what = kind === 'image' ? 'Image' : kind === 'audio' ? 'Audio' : 'File';
    notes.push({
      kind,
      messageId,
      text: `${what} ${attachment.name} is not included in the export; the message shows "${what} not included in the export" in its place.`,
    });
  }

  const meta: MessageMetadata = {};
  if (typeof metadata.model_slug === 'string') meta.model = metadata.model_slug;
  if (attachments.length > 0) meta.attachments = attachments;
  if (Object.keys(extracted.extra).length > 0) meta.chatgpt = extracted.extra;
  const message: MessageInput = {
    id: messageId,
    conversationId,
    projectId,
    role,
    content: extracted.text,
    status: m.status === 'in_progress' ? 'interrupted' : 'complete',
  };
  const createdAt = seconds(m.create_time);
  if (createdAt !== undefined) message.createdAt = createdAt;
  const edited = seconds(m.update_time);

  if (extracted.reasoning !== undefined || extracted.recap !== undefined) {
    // Kept as its own answer, with the reasoning in its metadata, only when no answer follows.
    const alone: MessageInput = { ...message, content: '', metadata: { ...meta } };
    if (extracted.reasoning) alone.metadata!.reasoning = extracted.reasoning;
    if (extracted.recap) alone.metadata!.reasoningRecap = extracted.recap;
    const aloneNote: ImportNote = {
      kind: 'reasoning',
      messageId,
      text: `Reasoning (${contentType}) with no answer after it is kept as an answer that shows only its collapsible "Reasoning" block.`,
    };
    return {
      fold: {
        reasoning: extracted.reasoning || undefined,
        recap: extracted.recap || undefined,
        notes: [],
        asMessage: { message: alone, edited, notes: [aloneNote] },
      },
    };
  }

  const recipient = typeof m.recipient === 'string' ? m.recipient : 'all';
  const isCall = role === 'assistant' && recipient !== 'all';
  if (
    !isCall &&
    message.content.trim() === '' &&
    attachments.length === 0 &&
    extracted.toolResult === undefined
  ) {
    if (Object.keys(extracted.extra).length === 0) {
      return {
        id: messageId,
        note: { kind: 'empty', messageId, text: `An empty ${role} message was left out.` },
      };
    }
  }
  if (role === 'assistant' && !isCall) {
    const cited = replaceCitations(message.content, metadata);
    if (cited.marks > 0) {
      message.content = cited.text;
      notes.push({
        kind: 'citation',
        messageId,
        text: `${cited.marks === 1 ? '1 citation mark was' : `${cited.marks} citation marks were`} replaced by ${cited.marks === 1 ? 'its link' : 'their links'} or removed where the export has no link.`,
        ...(cited.marks > 1 ? { count: cited.marks } : {}),
      });
    }
  }
  if (contentType === 'system_error') {
    meta.error = message.content;
    notes.push({
      kind: 'error',
      messageId,
      text: `ChatGPT's error message "${message.content.slice(0, 120)}" is kept.`,
    });
  }

  let call: ToolCall | undefined;
  if (isCall) {
    call = { id: messageId, name: recipient, arguments: toolArguments(extracted.text, content) };
    message.toolCalls = [call];
    message.content = '';
    const language =
      typeof content.language === 'string' && content.language !== 'unknown' ? ` (${content.language})` : '';
    notes.push({
      kind: recipient.startsWith('browser') || recipient.startsWith('web') ? 'browsing' : 'tool',
      messageId,
      text: `${contentType === 'code' ? `Code${language}` : 'A request'} sent to ${recipient} is kept as a tool call.`,
    });
  }
  if (role === 'tool') {
    const toolName = typeof author.name === 'string' && author.name ? author.name : undefined;
    if (toolName) message.toolName = toolName;
    message.toolResult =
      contentType === 'system_error'
        ? { error: message.content }
        : (extracted.toolResult ?? { output: message.content });
    const browsing = contentType.startsWith('tether') || /^(browser|web)/.test(toolName ?? '');
    const url =
      isRecord(extracted.toolResult) && typeof extracted.toolResult.url === 'string'
        ? ` from ${extracted.toolResult.url}`
        : '';
    if (contentType !== 'system_error') {
      notes.push({
        kind: browsing ? 'browsing' : 'tool',
        messageId,
        text: browsing
          ? `Browsing result (${contentType})${url} is kept as a tool result with its text and address.`
          : `Output of ${toolName ?? 'a tool'} (${contentType}) is kept as a tool result.`,
      });
    }
  }
  if (Object.keys(meta).length > 0) message.metadata = meta;
  return { message, call, edited, notes };
}
