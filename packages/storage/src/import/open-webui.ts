// Reads Open WebUI's chat export (Settings > Chats > Export, or a single
// chat's download): an array of chats whose messages form a tree in
// `chat.history.messages` (id -> parentId and childrenIds), with the branch
// shown ending at `chat.history.currentId`. Older files hold only the flat
// list `chat.messages`. Archived and pinned flags, tags and each answer's
// model are kept; ids are the file's, so importing again adds nothing.
import { toJson } from '../ai-sdk/json.js';
import { toEpochMs } from '../ai-sdk/time.js';
import type { Attachment, ConversationInput, MessageInput, MessageMetadata, Role } from '../types.js';
import { splitReasoning } from './open-webui-reasoning.js';
import {
  DEFAULT_PROJECT_ID,
  describeConversation,
  type ImportPlan,
  isRecord,
  type ReaderOptions,
  type SkippedItem,
} from './plan.js';
import { branchNotes, type ImportNote } from './report.js';
import { titleOf } from './titles.js';
import { repairTree } from './tree-repair.js';

type Json = Record<string, unknown>;

export function isOpenWebUiExport(data: unknown): boolean {
  const first = Array.isArray(data) ? data[0] : data;
  return (
    isRecord(first) &&
    isRecord(first.chat) &&
    (isRecord(first.chat.history) || Array.isArray(first.chat.messages))
  );
}

export function readOpenWebUiExport(data: unknown, opts: ReaderOptions): ImportPlan {
  const list = Array.isArray(data) ? data : [data];
  const plan: ImportPlan = { items: [], skipped: [] };
  list.forEach((raw, index) => {
    if (!isRecord(raw) || !isRecord(raw.chat)) {
      plan.skipped.push({ reason: `chats[${index}]: expected an Open WebUI chat with a "chat" object.` });
      return;
    }
    const item = readChat(raw, raw.chat, index, opts, plan.skipped);
    if (item) plan.items.push({ ...item, validated: false });
  });
  return plan;
}

const ROLES = new Set<string>(['user', 'assistant', 'system', 'tool']);
/** Message fields read into the message; any other field is kept in `metadata.openWebui`. */
const READ_FIELDS = new Set([
  'id',
  'parentId',
  'childrenIds',
  'role',
  'content',
  'model',
  'modelName',
  'timestamp',
  'files',
  'done',
  'error',
  'usage',
]);

function readChat(
  raw: Json,
  chat: Json,
  index: number,
  opts: ReaderOptions,
  skipped: SkippedItem[],
): { conversation: ConversationInput; messages: MessageInput[]; notes: ImportNote[] } | undefined {
  const id =
    typeof raw.id === 'string' && raw.id ? raw.id : typeof chat.id === 'string' && chat.id ? chat.id : '';
  const title = raw.title ?? chat.title;
  const name = describeConversation(id || undefined, title);
  if (!id) {
    skipped.push({ reason: `chats[${index}], ${name}: has no "id".` });
    return undefined;
  }
  const projectId = opts.projectId ?? DEFAULT_PROJECT_ID;
  const history = isRecord(chat.history) ? chat.history : undefined;
  const entries =
    history && isRecord(history.messages) ? flatFromHistory(history.messages) : flatFromList(chat);

  const notes: ImportNote[] = [];
  const read = new Map<string, { message: MessageInput; parent: string | null }>();
  const leftOutParent = new Map<string, string | null>();
  for (const { key, raw: m, parent } of entries) {
    const messageId = typeof m.id === 'string' && m.id ? m.id : key;
    const at = `${name}, message ${messageId}`;
    if (read.has(messageId)) {
      skipped.push({
        id: messageId,
        reason: `${at}: the id appears twice; only the first copy was imported.`,
      });
      continue;
    }
    const message = readMessage(m, messageId, id, projectId);
    if ('skip' in message) {
      skipped.push({ id: messageId, reason: `${at}: ${message.skip}` });
      leftOutParent.set(messageId, parent);
      continue;
    }
    if ('note' in message) {
      notes.push(message.note);
      leftOutParent.set(messageId, parent);
      continue;
    }
    notes.push(...messageNotes(message.message));
    read.set(messageId, { message: message.message, parent });
  }

  const chatStart = toEpochMs(raw.created_at ?? chat.timestamp);
  const { nodes, problems } = repairTree(
    [...read.values()].map(({ message, parent }) => ({
      id: message.id,
      parentId: keptAbove(parent, read, leftOutParent),
      createdAt: message.createdAt,
    })),
    { orderTimes: true, now: chatStart ?? opts.now, describe: (m) => `Message ${m}` },
  );
  for (const p of problems) notes.push({ kind: 'tree', messageId: p.id, text: p.reason });
  const messages = nodes.map(({ id: messageId, parentId, createdAt }) => ({
    ...read.get(messageId)!.message,
    parentId,
    createdAt,
    updatedAt: createdAt,
  }));

  const times = messages.map((m) => m.createdAt);
  const createdAt = chatStart ?? (times.length ? Math.min(...times) : opts.now);
  // Newer versions keep tags in `meta.tags`, older ones in `chat.tags`.
  const tags =
    isRecord(raw.meta) && Array.isArray(raw.meta.tags)
      ? raw.meta.tags
      : Array.isArray(chat.tags)
        ? chat.tags
        : [];
  const conversation: ConversationInput = {
    id,
    projectId,
    title: titleOf(title, messages),
    createdAt,
    updatedAt: Math.max(toEpochMs(raw.updated_at) ?? 0, ...times, createdAt),
    archived: raw.archived === true,
    pinned: raw.pinned === true,
    tags: tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '').slice(0, 50),
  };
  const current = history && typeof history.currentId === 'string' ? history.currentId : undefined;
  const active = current === undefined ? null : keptAbove(current, read, leftOutParent);
  if (active !== null && read.has(active)) conversation.activeLeafId = active;
  notes.push(...branchNotes(messages, 'Open WebUI'));
  return { conversation, messages, notes };
}

interface Entry {
  key: string;
  raw: Json;
  parent: string | null;
}

function flatFromHistory(messages: Json): Entry[] {
  return Object.entries(messages)
    .filter((e): e is [string, Json] => isRecord(e[1]))
    .map(([key, m]) => ({ key, raw: m, parent: typeof m.parentId === 'string' ? m.parentId : null }));
}

/** Older exports: only the shown branch, as a list in order. */
function flatFromList(chat: Json): Entry[] {
  const list = Array.isArray(chat.messages) ? chat.messages.filter(isRecord) : [];
  let previous: string | null = null;
  return list.map((m, i) => {
    const key = typeof m.id === 'string' && m.id ? m.id : `${i}`;
    const parent = typeof m.parentId === 'string' ? m.parentId : previous;
    previous = key;
    return { key, raw: m, parent };
  });
}

function keptAbove(
  parent: string | null,
  read: Map<string, unknown>,
  leftOutParent: Map<string, string | null>,
): string | null {
  const seen = new Set<string>();
  let at = parent;
  while (at !== null && !read.has(at) && leftOutParent.has(at) && !seen.has(at)) {
    seen.add(at);
    at = leftOutParent.get(at) ?? null;
  }
  return at !== null && seen.has(at) ? null : at;
}

/** The message; or why it is not imported; or, for an empty one, the report's note. */
function readMessage(
  m: Json,
  id: string,
  conversationId: string,
  projectId: string,
): { message: MessageInput } | { skip: string } | { note: ImportNote } {
  if (typeof m.role !== 'string' || !ROLES.has(m.role)) {
    return { skip: `role ${JSON.stringify(m.role)} is not user, assistant, system or tool.` };
  }
  const role = m.role as Role;
  const metadata: MessageMetadata = {};
  let content = typeof m.content === 'string' ? m.content : '';
  if (role === 'assistant') {
    const split = splitReasoning(content);
    content = split.content;
    if (split.reasoning !== undefined) metadata.reasoning = split.reasoning;
    if (split.recap !== undefined) metadata.reasoningRecap = split.recap;
  }
  if (typeof m.model === 'string' && m.model) metadata.model = m.model;
  if (typeof m.modelName === 'string' && m.modelName) metadata.modelName = m.modelName;
  const usage = isRecord(m.usage) ? m.usage : undefined;
  if (usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number') {
    metadata.tokens = { input: usage.prompt_tokens, output: usage.completion_tokens };
  }
  const attachments = (Array.isArray(m.files) ? m.files : []).filter(isRecord).map(fileAttachment);
  if (attachments.length > 0) metadata.attachments = attachments;
  const error = isRecord(m.error) ? m.error.content : m.error;
  if (typeof error === 'string' && error) metadata.error = error;
  const rest: Json = {};
  for (const [key, value] of Object.entries(m)) {
    if (READ_FIELDS.has(key) || value === null || value === undefined) continue;
    const json = toJson(value);
    if (json !== undefined) rest[key] = json;
  }
  if (usage) rest.usage = toJson(usage);
  if (Object.keys(rest).length > 0) metadata.openWebui = rest;
  if (
    content.trim() === '' &&
    attachments.length === 0 &&
    metadata.error === undefined &&
    metadata.reasoning === undefined
  ) {
    return { note: { kind: 'empty', messageId: id, text: `An empty ${role} message was left out.` } };
  }
  const message: MessageInput = {
    id,
    conversationId,
    projectId,
    role,
    content,
    status: metadata.error !== undefined ? 'error' : m.done === false ? 'interrupted' : 'complete',
  };
  const createdAt = toEpochMs(m.timestamp);
  if (createdAt !== undefined) message.createdAt = createdAt;
  if (Object.keys(metadata).length > 0) message.metadata = metadata;
  return { message };
}

/** What of a kept message is not shown as Open WebUI showed it: files the export holds only by name, an error. */
function messageNotes(message: MessageInput): ImportNote[] {
  const notes: ImportNote[] = [];
  const missing = (message.metadata?.attachments ?? []).filter((a) => !a.url).map((a) => `"${a.name}"`);
  if (missing.length > 0) {
    notes.push({
      kind: 'file',
      messageId: message.id,
      text: `${missing.length === 1 ? 'File' : 'Files'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not included in the export; listed by name only.`,
      ...(missing.length > 1 ? { count: missing.length } : {}),
    });
  }
  if (message.metadata?.reasoning !== undefined) {
    notes.push({
      kind: 'reasoning',
      messageId: message.id,
      text: 'Reasoning written into the answer (<details type="reasoning"> or <think>) is kept as its collapsible "Reasoning" block.',
    });
  }
  const error = message.metadata?.error;
  if (typeof error === 'string') {
    notes.push({
      kind: 'error',
      messageId: message.id,
      text: `Open WebUI's error message "${error.slice(0, 120)}" is kept.`,
    });
  }
  return notes;
}

function fileAttachment(f: Json): Attachment {
  const file = isRecord(f.file) ? f.file : {};
  const meta = isRecord(file.meta) ? file.meta : {};
  const name = [f.name, file.filename, meta.name, f.id].find((v) => typeof v === 'string' && v) as
    | string
    | undefined;
  const mediaType = [meta.content_type, f.type === 'image' ? 'image/*' : undefined].find(
    (v) => typeof v === 'string' && v,
  ) as string | undefined;
  const attachment: Attachment = { name: name ?? 'file', mediaType: mediaType ?? 'application/octet-stream' };
  if (typeof f.url === 'string' && /^(https?:|data:)/.test(f.url)) attachment.url = f.url;
  const size = f.size ?? meta.size;
  if (typeof size === 'number' && size >= 0) attachment.size = size;
  return attachment;
}
