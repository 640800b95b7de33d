// Wire protocol v1 (with the limits of 1.1) as zod schemas; request and
// response types are derived from them so that the routes and the schemas
// cannot drift apart. A push body itself is read by sync/push-body.ts, which
// keeps each record's data as the text sent.
import { encryptedDataSchema, keyMaterialSchema } from '@chatkeep/storage/crypto';
import { z } from 'zod';

const MiB = 1024 * 1024;
export const MAX_CHANGES_PER_PUSH = 1000;
/** Request bodies other than a push (sign-up, login). */
export const MAX_BODY_BYTES = 8 * MiB;
export const MAX_PUSH_BYTES = 16 * MiB;
/** The JSON text of one record's data. */
export const MAX_RECORD_BYTES = 4 * MiB;
/** How deeply a record's data may nest: the data object itself is level 1. */
export const MAX_DATA_DEPTH = 100;
/** Ids are 1 to this many characters (code points). */
export const MAX_ID_LENGTH = 200;
/** No answer body is larger than this: pull pages stop early, stale results drop data. */
export const MAX_ANSWER_BYTES = 16 * MiB;
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;

export const credentialsSchema = z.object({
  username: z.string({ error: 'username must be a string' }),
  password: z.string({ error: 'password must be a string' }),
});
export type Credentials = z.infer<typeof credentialsSchema>;

export const authResponseSchema = z.object({ token: z.string(), userId: z.string() });
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
export type RecordKind = z.infer<typeof recordKindSchema>;

const recordId = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/**
 * One change as a client sends it. A message carries `conversationId` on the
 * change (protocol 1.1) or in `data` (v1 clients). `data` is opaque to the
 * server beyond the checks of sync/validate-change.ts.
 */
export const changeSchema = z.object({
  kind: recordKindSchema,
  id: recordId,
  projectId: recordId,
  conversationId: recordId.optional(),
  hlc: z.string(),
  deleted: z.boolean(),
  data: z.record(z.string(), z.unknown()).nullable(),
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

export const resultSchema = z.object({
  kind: z.string(),
  id: z.string(),
  status: z.enum(['applied', 'stale', 'rejected']),
  version: z.number().int().positive().optional(),
  current: serverChangeSchema.optional(),
  reason: z.string().optional(),
  /** Set on refusals a client acts on: `encryption-required` (the account refuses plaintext). */
  code: z.literal('encryption-required').optional(),
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

/** GET /v1/sync/conversations/:id/messages: message ids greater than `after` (omitted: from the first). */
export const messagesQuerySchema = z.object({ after: z.string().optional(), limit: limitParam });

export const pullResponseSchema = z.object({
  changes: z.array(serverChangeSchema),
  cursor: z.string(),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/** The protocol this server speaks: 1.1 adds project records, live events and bootstrap reads to v1. */
export const PROTOCOL_VERSION = '1.1';

/** GET /v1/sync/conversations: every conversation record from one snapshot, and where to pull on from. */
export const conversationsResponseSchema = z.object({
  changes: z.array(serverChangeSchema),
  cursor: z.string(),
});
export type ConversationsResponse = z.infer<typeof conversationsResponseSchema>;

/** GET /v1/sync/conversations/:id/messages: a page of the conversation's messages by id. */
export const messagesResponseSchema = z.object({
  changes: z.array(serverChangeSchema),
  hasMore: z.boolean(),
});
export type MessagesResponse = z.infer<typeof messagesResponseSchema>;

export const healthResponseSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  protocol: z.literal(PROTOCOL_VERSION),
  /** Which database this instance keeps its data in. */
  store: z.enum(['sqlite', 'postgres']),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const errorResponseSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/**
 * GET /v1/account/keys and the answer to a PUT: the key material (null when
 * none is set), whether plaintext pushes are refused, and the revision a
 * device must name to change them.
 */
export const accountKeysResponseSchema = z.object({
  keys: keyMaterialSchema.nullable(),
  encrypted: z.boolean(),
  revision: z.number().int().nonnegative(),
});
export type AccountKeysResponse = z.infer<typeof accountKeysResponseSchema>;

/** PUT /v1/account/keys: `previous` is the revision the device read (0 when there were none). */
export const accountKeysPutSchema = z.strictObject({
  keys: keyMaterialSchema,
  encrypted: z.boolean({ error: 'encrypted must be true or false' }),
  previous: z
    .number({ error: 'previous must be the revision read from GET /v1/account/keys (0 when none)' })
    .int('previous must be an integer')
    .nonnegative('previous must not be negative'),
});
export type AccountKeysPut = z.infer<typeof accountKeysPutSchema>;

/** POST /v1/shares: the encrypted snapshot itself; the key stays in the link's fragment. */
export const shareBodySchema = encryptedDataSchema;
export const shareCreatedSchema = z.object({ id: z.string() });

export const shareInfoSchema = z.object({
  id: z.string(),
  size: z.number(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export const sharesResponseSchema = z.object({ shares: z.array(shareInfoSchema) });
export type SharesResponse = z.infer<typeof sharesResponseSchema>;
