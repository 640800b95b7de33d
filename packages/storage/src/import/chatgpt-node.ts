// One node of ChatGPT's `mapping`: the message Chatkeep keeps for it, or
// what it adds to the message below it (reasoning, hidden context), or why
// it is left out — with a note for the report on each part shown differently.
import type { MessageInput, MessageMetadata, Role, ToolCall } from '../types.js';
import { replaceCitations } from './chatgpt-citations.js';
import { extractContent, fileAttachments, toolArguments } from './chatgpt-content.js';
import { isRecord } from './plan.js';
import type { ImportNote } from './report.js';

const ROLES = new Set<Role>(['user', 'assistant', 'system', 'tool']);
export function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.round(value * 1000)
    : undefined;
}

/** One node's message as read, before its place in the tree is known. */
export interface ReadNode {
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
export interface Folded {
  reasoning?: string;
  recap?: string;
  context?: { role: string; contentType: string; text: string };
  notes: ImportNote[];
  /** Kept as an answer of its own when no answer follows it. */
  asMessage?: ReadNode;
}

export type NodeResult = ReadNode | { fold: Folded } | { id: string; skip?: string; note?: ImportNote };

/** A node's message; or what it adds to the message below it; or why it is left out. */
export function readNode(
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
