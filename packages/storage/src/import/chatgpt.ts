// Reads ChatGPT's data export (`conversations.json`): an array of
// conversations whose messages form a tree (`mapping`, node -> parent and
// children). Editing a prompt or regenerating a reply starts a branch; the
// branch ChatGPT shows is the path from the root to `current_node`, and that
// is what is imported. ChatGPT's own ids are kept, so importing the same
// file again updates instead of duplicating.
import type {
  Attachment,
  ConversationInput,
  MessageInput,
  MessageMetadata,
  Role,
  ToolCall,
} from '../types.js';
import {
  DEFAULT_PROJECT_ID,
  describeConversation,
  type ImportPlan,
  isRecord,
  type ReaderOptions,
  type SkippedItem,
} from './plan.js';

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
// Content types whose text lives in `parts`, `text`, `result` or `content`.
const TEXT_FIELDS = ['parts', 'text', 'result', 'content'] as const;

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.round(value * 1000)
    : undefined;
}

/** The node ids from the root to the current node (or, lacking one, to the newest leaf). */
function currentBranch(mapping: Json, currentNode: unknown): string[] {
  let tip = typeof currentNode === 'string' && isRecord(mapping[currentNode]) ? currentNode : undefined;
  if (!tip) {
    let newest = -1;
    for (const [id, node] of Object.entries(mapping)) {
      if (!isRecord(node) || (Array.isArray(node.children) && node.children.length > 0)) continue;
      const time = isRecord(node.message) ? (seconds(node.message.create_time) ?? 0) : 0;
      if (time >= newest) {
        newest = time;
        tip = id;
      }
    }
  }
  const path: string[] = [];
  const seen = new Set<string>();
  for (let id = tip; id !== undefined && !seen.has(id); ) {
    seen.add(id);
    path.push(id);
    const node = mapping[id];
    id =
      isRecord(node) && typeof node.parent === 'string' && isRecord(mapping[node.parent])
        ? node.parent
        : undefined;
  }
  return path.reverse();
}

interface Extracted {
  text: string;
  attachments: Attachment[];
  /** Everything of the content that is not its text, kept in metadata. */
  extra: Json;
}

function extractContent(content: unknown): Extracted {
  const out: Extracted = { text: '', attachments: [], extra: {} };
  if (!isRecord(content)) return out;
  const type = typeof content.content_type === 'string' ? content.content_type : 'text';
  const texts: string[] = [];
  const otherParts: unknown[] = [];
  for (const [key, value] of Object.entries(content)) {
    if (key === 'content_type') continue;
    if (key === 'parts' && Array.isArray(value)) {
      for (const part of value) {
        if (typeof part === 'string') texts.push(part);
        else {
          otherParts.push(part);
          const image = imageAttachment(part);
          if (image) out.attachments.push(image);
        }
      }
    } else if ((TEXT_FIELDS as readonly string[]).includes(key) && typeof value === 'string') {
      texts.push(value);
    } else if (value !== null && value !== undefined) {
      out.extra[key] = value;
    }
  }
  out.text = texts.filter((t) => t !== '').join('\n\n');
  if (type !== 'text') out.extra.contentType = type;
  if (otherParts.length > 0) out.extra.parts = otherParts;
  return out;
}

function imageAttachment(part: unknown): Attachment | undefined {
  if (!isRecord(part) || part.content_type !== 'image_asset_pointer') return undefined;
  const pointer = typeof part.asset_pointer === 'string' ? part.asset_pointer : '';
  const attachment: Attachment = {
    name: pointer.replace(/^[a-z-]+:\/\//, '') || 'image',
    mediaType: 'image/*',
  };
  if (typeof part.size_bytes === 'number' && part.size_bytes >= 0) attachment.size = part.size_bytes;
  return attachment;
}

/** Uploaded files, with ChatGPT's file id so image parts of the same file are not listed twice. */
function fileAttachments(metadata: Json): { fileId?: string; attachment: Attachment }[] {
  if (!Array.isArray(metadata.attachments)) return [];
  return metadata.attachments.filter(isRecord).map((a) => {
    const mediaType =
      typeof a.mime_type === 'string' ? a.mime_type : typeof a.mimeType === 'string' ? a.mimeType : undefined;
    const attachment: Attachment = {
      name: typeof a.name === 'string' ? a.name : typeof a.id === 'string' ? a.id : 'file',
      mediaType: mediaType ?? 'application/octet-stream',
    };
    if (typeof a.size === 'number' && a.size >= 0) attachment.size = a.size;
    return { fileId: typeof a.id === 'string' ? a.id : undefined, attachment };
  });
}

/** What the assistant sent to a tool: JSON when it is JSON, else the code or text itself. */
function toolArguments(text: string, content: Json): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) || Array.isArray(parsed)) return parsed;
  } catch {
    // Not JSON: code or a browser command.
  }
  if (content.content_type === 'code') {
    return typeof content.language === 'string' ? { language: content.language, code: text } : { code: text };
  }
  return { input: text };
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
  const branch = currentBranch(mapping, raw.current_node);
  const onBranch = new Set(branch);
  const elsewhere = Object.entries(mapping).filter(
    ([nodeId, node]) => !onBranch.has(nodeId) && isRecord(node) && isRecord(node.message),
  ).length;
  if (elsewhere > 0) {
    skipped.push({
      id,
      reason: `${name}: ${elsewhere} message(s) on other branches (earlier versions of edited prompts or regenerated replies) were left out; the branch shown in ChatGPT was imported.`,
    });
  }

  const conversationStart = seconds(raw.create_time);
  const messages: MessageInput[] = [];
  const openCalls: ToolCall[] = [];
  let previousTime = conversationStart ?? opts.now;
  for (const nodeId of branch) {
    const node = mapping[nodeId] as Json;
    const m = node.message;
    if (!isRecord(m)) {
      skipped.push({
        id: nodeId,
        reason: `${name}, node ${nodeId}: has no message (ChatGPT's empty root node).`,
      });
      continue;
    }
    const messageId = typeof m.id === 'string' && m.id ? m.id : nodeId;
    const author = isRecord(m.author) ? m.author : {};
    const metadata = isRecord(m.metadata) ? m.metadata : {};
    const role = author.role as Role;
    if (!ROLES.has(role)) {
      skipped.push({
        id: messageId,
        reason: `${name}, message ${messageId}: author.role ${JSON.stringify(author.role)} is not user, assistant, system or tool.`,
      });
      continue;
    }
    if (metadata.is_visually_hidden_from_conversation === true) {
      skipped.push({
        id: messageId,
        reason: `${name}, message ${messageId}: hidden ${role} message (metadata.is_visually_hidden_from_conversation), not shown in ChatGPT.`,
      });
      continue;
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
      skipped.push({ id: messageId, reason: `${name}, message ${messageId}: empty ${role} message.` });
      continue;
    }

    // Times must keep the branch's order, which is also the stored order.
    const stamped = seconds(m.create_time);
    const createdAt =
      stamped !== undefined && stamped > previousTime ? stamped : previousTime + (messages.length ? 1 : 0);
    previousTime = createdAt;
    const edited = seconds(m.update_time);

    const meta: MessageMetadata = {};
    if (typeof metadata.model_slug === 'string') meta.model = metadata.model_slug;
    if (attachments.length > 0) meta.attachments = attachments;
    if (Object.keys(extra).length > 0) meta.chatgpt = extra;

    const message: MessageInput = {
      id: messageId,
      conversationId: id,
      projectId,
      role,
      content: text,
      status: m.status === 'in_progress' ? 'interrupted' : 'complete',
      createdAt,
      updatedAt: edited !== undefined && edited > createdAt ? edited : createdAt,
    };
    if (isCall) {
      const call: ToolCall = { id: messageId, name: recipient, arguments: toolArguments(text, content) };
      message.toolCalls = [call];
      message.content = '';
      openCalls.push(call);
    }
    if (role === 'tool') {
      const toolName = typeof author.name === 'string' && author.name ? author.name : undefined;
      if (toolName) message.toolName = toolName;
      const callIndex = openCalls.findLastIndex((c) => c.name === toolName);
      const answered = openCalls.splice(callIndex >= 0 ? callIndex : openCalls.length - 1, 1)[0];
      if (answered) message.toolCallId = answered.id;
    }
    if (Object.keys(meta).length > 0) message.metadata = meta;
    messages.push(message);
  }

  const first = messages[0]?.createdAt;
  const last = messages[messages.length - 1]?.createdAt;
  const createdAt = conversationStart ?? first ?? opts.now;
  const conversation: ConversationInput = {
    id,
    projectId,
    title: typeof raw.title === 'string' ? raw.title.slice(0, 500) : '',
    createdAt,
    updatedAt: Math.max(seconds(raw.update_time) ?? 0, last ?? 0, createdAt),
    archived: raw.is_archived === true,
    pinned: false,
    tags: [],
  };
  return { conversation, messages };
}
