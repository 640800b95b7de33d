// Record validation: the one module that decides what a valid conversation
// or message is. Adapters, import and the sync server all call it.
import './zod-config.js';
import { z } from 'zod';
import { ChatStorageError } from './errors.js';
import { MAX_TAG_LENGTH, MAX_TAGS } from './tags/tags.js';
import type { Conversation, Message, MessageInput, Project, SyncedConversation } from './types.js';

/** True for values that survive JSON.stringify/parse unchanged (no functions, cycles, NaN, class instances). */
export function isJsonValue(value: unknown, seen = new Set<object>()): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (seen.has(value)) return false;
      seen.add(value);
      const ok = Array.isArray(value)
        ? value.every((v) => isJsonValue(v, seen))
        : Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null
          ? Object.values(value).every((v) => v === undefined || isJsonValue(v, seen))
          : false;
      seen.delete(value);
      return ok;
    }
    default:
      return false;
  }
}

const id = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const time = z.number().int().nonnegative().finite();
const json = z.unknown().refine((v) => v === undefined || isJsonValue(v), {
  message: 'must be plain JSON (no functions, Dates, cycles, NaN or Infinity)',
});

export const roleSchema = z.enum(['user', 'assistant', 'system', 'tool']);
export const messageStatusSchema = z.enum(['pending', 'streaming', 'complete', 'error', 'interrupted']);

export const toolCallSchema = z.object({ id, name: z.string().min(1), arguments: json });

export const attachmentSchema = z.object({
  name: z.string(),
  mediaType: z.string(),
  url: z.string().optional(),
  size: z.number().nonnegative().optional(),
  width: z.number().nonnegative().optional(),
  height: z.number().nonnegative().optional(),
  assetPointer: z.string().optional(),
});

export const messageMetadataSchema = z
  .looseObject({
    model: z.string().optional(),
    tokens: z.object({ input: z.number(), output: z.number() }).optional(),
    error: z.string().optional(),
    attachments: z.array(attachmentSchema).optional(),
  })
  .refine((v) => isJsonValue(v), { message: 'must be plain JSON' });

const messageFields = {
  id,
  conversationId: id,
  projectId: id,
  role: roleSchema,
  content: z.string(),
  toolCalls: z.array(toolCallSchema).optional(),
  toolCallId: z.string().optional(),
  toolName: z.string().optional(),
  toolResult: json.optional(),
  metadata: messageMetadataSchema.optional(),
  // Absent in records written before conversations were trees (version 1
  // exports, devices not yet updated): adapters then place the message after
  // the one before it in time, as the schema upgrade does.
  parentId: id.nullable().optional(),
};

export const messageSchema = z.strictObject({
  ...messageFields,
  status: messageStatusSchema,
  createdAt: time,
  updatedAt: time,
});

export const messageInputSchema = z.strictObject({
  ...messageFields,
  status: messageStatusSchema.optional(),
  createdAt: time.optional(),
  updatedAt: time.optional(),
});

const conversationFields = {
  id,
  projectId: id,
  title: z.string().max(500, 'must be at most 500 characters'),
  createdAt: time,
  updatedAt: time,
  archived: z.boolean(),
  pinned: z.boolean(),
  tags: z
    .array(z.string().max(MAX_TAG_LENGTH, `must be at most ${MAX_TAG_LENGTH} characters`))
    .max(MAX_TAGS, `must be at most ${MAX_TAGS} tags`),
  activeLeafId: id.optional(),
  forkedFrom: z.strictObject({ conversationId: id, messageId: id }).optional(),
};

/** A conversation as synced: summaries are derived on each device. */
export const syncedConversationSchema = z.strictObject(conversationFields);

export const conversationSchema = z.strictObject({
  ...conversationFields,
  messageCount: z.number().int().nonnegative(),
  lastMessage: z.string().optional(),
});

export const conversationPatchSchema = z.strictObject({
  title: conversationFields.title.optional(),
  archived: z.boolean().optional(),
  pinned: z.boolean().optional(),
  tags: conversationFields.tags.optional(),
});

/** "messages[3].role: must be one of user, assistant, system, tool" */
/** A project record as stored and synced (a name of 1-100 characters, see projects.ts). */
export const projectSchema = z.strictObject({
  id,
  name: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  createdAt: time,
  updatedAt: time,
});

export function validateProject(value: unknown): Project {
  return parse(projectSchema, value, 'project') as Project;
}

export function describeZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      const where = `${prefix}${path}`.replace(/^\./, '') || 'value';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ChatStorageError('invalid-input', `Invalid ${what}: ${describeZodError(result.error)}`);
  }
  return result.data;
}

/** True for a valid id of a record or project (what every id field of a record must be). */
export function isValidId(value: unknown): value is string {
  return id.safeParse(value).success;
}

export function validateMessageInput(value: unknown): MessageInput {
  return parse(messageInputSchema, value, 'message') as MessageInput;
}

export function validateMessage(value: unknown): Message {
  return parse(messageSchema, value, 'message') as Message;
}

export function validateConversation(value: unknown): Conversation {
  return parse(conversationSchema, value, 'conversation');
}

export function validateSyncedConversation(value: unknown): SyncedConversation {
  return parse(syncedConversationSchema, value, 'conversation');
}

export function validateConversationPatch(value: unknown) {
  return parse(conversationPatchSchema, value, 'conversation update');
}

/** The preview kept on a conversation: the newest message's text, at most 200 characters. */
export function previewOf(content: string): string {
  const flat = content.replace(/\s+/g, ' ').trim();
  return flat.length <= 200 ? flat : `${flat.slice(0, 199)}…`;
}
