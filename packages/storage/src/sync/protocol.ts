// The sync wire protocol (DESIGN.md "Sync wire protocol v1" and "Protocol
// 1.1"), written once: limits, zod schemas of every request and answer (the
// types derive from them), the envelope rules for ids and stamps, and the
// refusal codes. The client, both storage adapters and the server import it,
// the server through the light `@chatkeep/storage/protocol` entry, which
// pulls in no storage code.
import '../zod-config.js';
import { z } from 'zod';
import { ChatStorageError } from '../errors.js';
import { parseHlc } from '../hlc.js';
import { describeZodError, messageSchema, projectSchema, syncedConversationSchema } from '../schema.js';
import type { Message, Project, ServerRecordChange, SyncedConversation } from '../types.js';

export { compareHlc, formatHlc, isValidClientId, parseHlc } from '../hlc.js';
export { newId } from '../ids.js';
export { describeZodError } from '../schema.js';

// ---- limits ------------------------------------------------------------------

const MiB = 1024 * 1024;
export const MAX_CHANGES_PER_PUSH = 1000;
/** Request bodies other than a push (sign-up, login). */
export const MAX_BODY_BYTES = 8 * MiB;
export const MAX_PUSH_BYTES = 16 * MiB;
/** The JSON text of one record's data. */
export const MAX_RECORD_BYTES = 4 * MiB;
/** One share link's encrypted snapshot, the body of POST /v1/shares (DESIGN.md "Share links"). */
export const MAX_SHARE_BYTES = 16 * MiB;
/** How deeply a record's data may nest: the data object itself is level 1. */
export const MAX_DATA_DEPTH = 100;
/** Ids are 1 to this many characters (code points). */
export const MAX_ID_LENGTH = 200;
/** No answer body is larger than this: pull pages stop early, stale results drop data. */
export const MAX_ANSWER_BYTES = 16 * MiB;
/** How far ahead of the server clock a stamp may be. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;

/** The protocol this module describes: 1.1 adds project records, live events and bootstrap reads to v1. */
export const PROTOCOL_VERSION = '1.1';

// ---- envelope rules ------------------------------------------------------------

/** Why `value` is not a valid id, or undefined when it is one. */
export function idProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  // With the u flag a lone surrogate is a code point of category Cs; a pair is not.
  if (/\p{Cs}/u.test(value)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  // Code points, not UTF-16 units: an emoji is one character.
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) length++;
  }
  if (length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters (it has ${length})`;
  if (/\p{Cc}/u.test(value)) return 'must not contain control characters';
  return undefined;
}

const recordId = z.string().superRefine((value, ctx) => {
  const problem = idProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const hlcSchema = z.string().refine((s) => parseHlc(s) !== undefined, {
  message: 'must be a stamp of the form <15-digit ms>:<5-digit counter>:<clientId>',
});
// Only "a JSON object" here: z.record would copy every record on the way. What
// a record holds is checked by the client (parseRemoteChanges); the server
// keeps it opaque.
const dataObject = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  { message: 'must be a JSON object' },
);

// ---- schemas ---------------------------------------------------------------------

export const credentialsSchema = z.object({
  username: z.string({ error: 'username must be a string' }),
  password: z.string({ error: 'password must be a string' }),
});
export type Credentials = z.infer<typeof credentialsSchema>;

export const authResponseSchema = z.object({ token: z.string().min(1), userId: z.string().min(1) });
export type AuthResponse = z.infer<typeof authResponseSchema>;

/** GET /v1/auth/sessions: the user's live sessions, most recently used first. */
export const sessionInfoSchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number(),
  /** The session of the token that asked. */
  current: z.boolean(),
  userAgent: z.string().nullable(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
export const sessionsResponseSchema = z.object({ sessions: z.array(sessionInfoSchema) });
export type SessionsResponse = z.infer<typeof sessionsResponseSchema>;

/** `project` records (protocol 1.1) carry a project's name to every device; v1 clients never send one. */
export const recordKindSchema = z.enum(['conversation', 'message', 'project']);
export type WireRecordKind = z.infer<typeof recordKindSchema>;

/**
 * One change as a client sends it. A message carries `conversationId` on the
 * change (protocol 1.1) or in `data` (v1 clients).
 */
export const changeSchema = z.object({
  kind: recordKindSchema,
  id: recordId,
  projectId: recordId,
  conversationId: recordId.optional(),
  hlc: hlcSchema,
  deleted: z.boolean(),
  data: dataObject.nullable(),
});
export type Change = z.infer<typeof changeSchema>;

export const pushRequestSchema = z.object({
  clientId: z.string(),
  changes: z.array(changeSchema),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/**
 * A stored change as the server answers it. In a `stale` result whose record
 * would not fit the answer, `data` is absent and `truncated` is true: the
 * client gets the record by pulling.
 */
export const serverChangeSchema = changeSchema.extend({
  data: changeSchema.shape.data.optional(),
  truncated: z.literal(true).optional(),
  version: z.number().int().positive(),
});
export type ServerChange = z.infer<typeof serverChangeSchema>;

/**
 * Why the server refused a change, for programs: `size` and `limit` carry the
 * figures in the unit of the code (bytes for `too-large`, levels for
 * `too-deep`, milliseconds ahead for `clock-ahead`; `encryption-required`: the
 * account takes only encrypted records). A client that does not
 * know a code shows `reason`, which is always there.
 */
export const REFUSAL_CODES = [
  'too-large',
  'too-deep',
  'clock-ahead',
  'malformed',
  'encryption-required',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  /** For people, from the server (in English). */
  reason: string;
  /** One of REFUSAL_CODES, or a newer server's code this client does not know. */
  code?: string;
  limit?: number;
  size?: number;
}

export const resultSchema = z.object({
  kind: z.string(),
  id: z.string(),
  status: z.enum(['applied', 'stale', 'rejected']),
  version: z.number().int().positive().optional(),
  current: serverChangeSchema.optional(),
  reason: z.string().optional(),
  code: z.string().optional(),
  limit: z.number().nonnegative().optional(),
  size: z.number().nonnegative().optional(),
});
export type Result = z.infer<typeof resultSchema>;

export const pushResponseSchema = z.object({ results: z.array(resultSchema), cursor: z.string() });
export type PushResponse = z.infer<typeof pushResponseSchema>;

const limitParam = z
  .string()
  .regex(/^\d+$/, 'limit must be a positive whole number')
  .transform(Number)
  .refine((n) => n >= 1, 'limit must be at least 1')
  .optional();

export const pullQuerySchema = z.object({ since: z.string().optional(), limit: limitParam });

/**
 * A page read by id, for GET /v1/sync/conversations and /v1/sync/conversations/:id/messages: ids
 * greater than `after` (omitted: from the first).
 */
export const pageByIdQuerySchema = z.object({ after: z.string().optional(), limit: limitParam });

/**
 * Protocol 1.1 addition, GET /v1/sync/conversations/:id/messages only:
 * `order=newest` reads the conversation's messages by descending id, ids
 * less than `before` (omitted: from the latest), so that a device shows a
 * conversation's latest page before its older ones. The answer then says
 * `"order":"newest"`; a server without this addition ignores both
 * parameters and answers by ascending id, without `order`.
 */
export const messagesQuerySchema = pageByIdQuerySchema.extend({
  order: z.enum(['oldest', 'newest'], { error: 'order must be oldest or newest' }).optional(),
  before: z.string().optional(),
});

export const pullResponseSchema = z.object({
  changes: z.array(serverChangeSchema),
  cursor: z.string(),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/**
 * GET /v1/sync/conversations[?after=<id>&limit=<n>]: conversation records by id, each page read in one
 * snapshot. The first page carries the cursor to pull on from; later pages carry none, since a newer
 * snapshot's cursor could skip what changed between the pages. `hasMore` is absent from a server that
 * does not page (everything in one answer).
 */
export const conversationsResponseSchema = z.object({
  changes: z.array(serverChangeSchema),
  cursor: z.string().optional(),
  hasMore: z.boolean().optional(),
});
export type ConversationsResponse = z.infer<typeof conversationsResponseSchema>;

/**
 * GET /v1/sync/conversations/:id/messages: a page of the conversation's
 * messages by id; `order` is 'newest' exactly when they come by descending id.
 */
export const messagesResponseSchema = z.object({
  changes: z.array(serverChangeSchema),
  hasMore: z.boolean(),
  order: z.literal('newest').optional(),
});
export type MessagesResponse = z.infer<typeof messagesResponseSchema>;

/** Conversations one POST /v1/sync/messages may name. */
export const MAX_CONVERSATIONS_PER_READ = 1000;

/**
 * POST /v1/sync/messages: the message records (tombstones included) of many
 * conversations in one answer, for a fresh device's download: conversation
 * by conversation in the order named, each by message id, starting after
 * message `after` of the first one named. At most `limit` records (default
 * DEFAULT_PULL_LIMIT, at most MAX_PULL_LIMIT) and never past the answer size.
 */
export const messagesReadRequestSchema = z.strictObject({
  conversations: z
    .array(recordId, { error: 'conversations must be a list of conversation ids' })
    .min(1, 'conversations must name at least one conversation')
    .max(
      MAX_CONVERSATIONS_PER_READ,
      `conversations may name at most ${MAX_CONVERSATIONS_PER_READ} conversations; ask for the rest in another request`,
    )
    .superRefine((ids, ctx) => {
      const seen = new Set<string>();
      for (const id of ids) {
        if (seen.has(id)) {
          ctx.addIssue({ code: 'custom', message: `names conversation ${JSON.stringify(id)} twice` });
          return;
        }
        seen.add(id);
      }
    }),
  after: recordId.optional(),
  limit: z
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .optional(),
});
export type MessagesReadRequest = z.infer<typeof messagesReadRequestSchema>;

/**
 * Where a cut-short answer goes on: send the conversations from
 * `conversationId` on, with `after`. Those named before it are complete.
 */
export const messagesReadNextSchema = z.object({ conversationId: z.string(), after: z.string() });

/** The answer to POST /v1/sync/messages; `next` is there exactly when `hasMore` is true. */
export const messagesReadResponseSchema = z.object({
  changes: z.array(serverChangeSchema),
  hasMore: z.boolean(),
  next: messagesReadNextSchema.optional(),
});
export type MessagesReadResponse = z.infer<typeof messagesReadResponseSchema>;

/** Records checked between two moments the main thread is given back (parseRemoteChangesInSlices). */
const CHECK_SLICE = 250;

/**
 * parseRemoteChanges for a large page without one long task: slices of
 * CHECK_SLICE records, `pause` awaited between them. Nothing is written
 * before every record passed.
 */
export async function parseRemoteChangesInSlices(
  changes: unknown,
  cursor: unknown,
  pause: () => Promise<void>,
): Promise<ServerRecordChange[]> {
  // Already checked (the download checks an answer before its write's turn): nothing to slice.
  if (!Array.isArray(changes) || changes.length <= CHECK_SLICE || changes.every((c) => checked.has(c))) {
    return parseRemoteChanges(changes, cursor);
  }
  const valid: ServerRecordChange[] = [];
  for (let i = 0; i < changes.length; i += CHECK_SLICE) {
    if (i > 0) await pause();
    for (const change of parseRemoteChanges(changes.slice(i, i + CHECK_SLICE), cursor, i)) valid.push(change);
  }
  return valid;
}

// ---- answers as the client reads them -------------------------------------------

/**
 * Pulled and downloaded changes as the client's requests check them: only
 * that each is an object. The records go to `applyRemote`, which checks each
 * one in full (parseRemoteChanges): one check per record, not two.
 */
const receivedChangesSchema = z.array(
  z.custom<ServerChange>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'each change must be an object',
  ),
);
export const pullAnswerSchema = pullResponseSchema.extend({ changes: receivedChangesSchema });
export const conversationsAnswerSchema = conversationsResponseSchema.extend({
  changes: receivedChangesSchema,
});
export const messagesAnswerSchema = messagesResponseSchema.extend({ changes: receivedChangesSchema });
export const messagesReadAnswerSchema = messagesReadResponseSchema.extend({ changes: receivedChangesSchema });

/** `protocol` and `store` are absent from a v1 server's answer. */
export const healthResponseSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  protocol: z.string().optional(),
  /** Which database this instance keeps its data in. */
  store: z.enum(['sqlite', 'postgres']).optional(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const errorResponseSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

// ---- pulled records (client side) ----------------------------------------------

/**
 * The changes this function returned. The sync code passes them on without
 * changing them (an opened encrypted record is checked as it is opened, then
 * applied), so a change met again is not checked a second time.
 */
const checked = new WeakSet<object>();

/**
 * Checks a pulled page before anything is written, so a bad record applies
 * nothing: the envelope by the wire rules, the record by the storage schema,
 * and that the record is the one the envelope names. Summaries a device
 * derives itself (messageCount, lastMessage) are ignored, not refused.
 * Project records (1.1) carry a project's name: their id is the project's.
 * A change that came out of this function before is taken as it is.
 */
export function parseRemoteChanges(changes: unknown, cursor?: unknown, from = 0): ServerRecordChange[] {
  if (!Array.isArray(changes))
    throw new ChatStorageError('invalid-input', 'applyRemote: changes must be an array.');
  if (cursor !== undefined && typeof cursor !== 'string') {
    throw new ChatStorageError('invalid-input', 'applyRemote: cursor, when given, must be a string.');
  }
  const valid: ServerRecordChange[] = [];
  changes.forEach((raw, i) => {
    if (typeof raw === 'object' && raw !== null && checked.has(raw)) {
      valid.push(raw as ServerRecordChange);
      return;
    }
    const fail = (what: string) =>
      new ChatStorageError('invalid-input', `Remote change [${from + i}] ${what}; the page was not applied.`);
    const envelope = serverChangeSchema.safeParse(raw);
    if (!envelope.success) throw fail(`is not a valid change: ${describeZodError(envelope.error)}`);
    const { kind, id, projectId, hlc, deleted, data, version } = envelope.data;
    if (deleted) {
      valid.push({ kind, id, projectId, hlc, deleted, data: null, version });
      return;
    }
    if (!data) throw fail(`(${kind} ${id}) is a put without data`);
    if (kind === 'project') {
      const parsed = projectSchema.safeParse(data);
      if (!parsed.success) throw fail(`(${kind} ${id}) has invalid data: ${describeZodError(parsed.error)}`);
      if (parsed.data.id !== id || projectId !== id) {
        throw fail(`(${kind} ${id}) carries data for project ${parsed.data.id} under project ${projectId}`);
      }
      valid.push({ kind, id, projectId, hlc, deleted, data: parsed.data as Project, version });
      return;
    }
    let record: SyncedConversation | Message;
    if (kind === 'conversation') {
      const { messageCount: _c, lastMessage: _l, ...synced } = data;
      const parsed = syncedConversationSchema.safeParse(synced);
      if (!parsed.success) throw fail(`(${kind} ${id}) has invalid data: ${describeZodError(parsed.error)}`);
      record = parsed.data as SyncedConversation;
    } else {
      const parsed = messageSchema.safeParse(data);
      if (!parsed.success) throw fail(`(${kind} ${id}) has invalid data: ${describeZodError(parsed.error)}`);
      record = parsed.data as Message;
    }
    if (record.id !== id || record.projectId !== projectId) {
      throw fail(`(${kind} ${id}) carries data for ${kind} ${record.id} in project ${record.projectId}`);
    }
    valid.push({ kind, id, projectId, hlc, deleted, data: record, version });
  });
  for (const change of valid) checked.add(change);
  return valid;
}
