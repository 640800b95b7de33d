// The data model and storage contract of DESIGN.md. Every other module of
// the package, the UI and the sync server take their types from here.

import type { TagCount } from './tags/tags.js';
import type { UsageQuery, UsageSummary } from './usage/summary.js';

export type Role = 'user' | 'assistant' | 'system' | 'tool';
export type MessageStatus = 'pending' | 'streaming' | 'complete' | 'error' | 'interrupted';

export interface ToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

export interface Attachment {
  name: string;
  mediaType: string;
  /** Where the file can be fetched; absent when the file is not included (an imported export). */
  url?: string;
  size?: number;
  /** Pixels, for images whose source says so. */
  width?: number;
  height?: number;
  /** The file's reference in the app it was imported from (ChatGPT's asset pointer). */
  assetPointer?: string;
}

export interface MessageMetadata {
  model?: string;
  tokens?: { input: number; output: number };
  error?: string;
  attachments?: Attachment[];
  [key: string]: unknown;
}

export interface Message {
  /** Client-made, time-sortable (UUIDv7). */
  id: string;
  conversationId: string;
  /** Denormalised from the conversation for per-project queries. */
  projectId: string;
  role: Role;
  /** Plain text: what search and previews read. */
  content: string;
  status: MessageStatus;
  /** Assistant asking for tools. */
  toolCalls?: ToolCall[];
  /** Role 'tool': which call this answers. */
  toolCallId?: string;
  toolName?: string;
  /** Any JSON value. */
  toolResult?: unknown;
  metadata?: MessageMetadata;
  /**
   * The message this one follows; null for the first of a conversation (a
   * root). Siblings (same parentId) are versions: an edited prompt or a
   * regenerated answer. Never changes once the message exists.
   */
  parentId: string | null;
  /** ms since epoch */
  createdAt: number;
  updatedAt: number;
}

/**
 * A message as callers hand it in: status, times and parentId may be left
 * out. A new message without parentId follows the active leaf and becomes
 * it; re-saving an existing message keeps its stored parentId.
 */
export type MessageInput = Omit<Message, 'status' | 'createdAt' | 'updatedAt' | 'parentId'> &
  Partial<Pick<Message, 'status' | 'createdAt' | 'updatedAt' | 'parentId'>>;

export interface Conversation {
  id: string;
  projectId: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  pinned: boolean;
  tags: string[];
  /** Messages on the active branch; derived, kept in the same transaction as each message write. */
  messageCount: number;
  /** Preview of the active branch's last message, at most 200 characters; derived. */
  lastMessage?: string;
  /** Last message of the branch shown; absent = the newest leaf. Syncs, last write wins. */
  activeLeafId?: string;
  /** Where a forked conversation was copied from. */
  forkedFrom?: ForkOrigin;
}

/**
 * A project: a named set of conversations. The id is stable and never
 * shown; the name is what people see and rename. Ids in use before projects
 * had names (the names themselves, `default` among them) stay ids, with a
 * record named after the id.
 */
export interface Project {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface ForkOrigin {
  conversationId: string;
  messageId: string;
}

export interface GetMessagesOptions {
  /** Page size; default 50. */
  limit?: number;
  /** Id of the oldest message the caller already has: the page ends just before it. */
  before?: string;
  /** Page the branch ending at this message instead of the active branch. */
  leafId?: string;
}

export interface MessagePage {
  /** Root-to-leaf order: each message's parent is the one before it. */
  messages: Message[];
  /** Whether the branch goes on above the first message of the page. */
  hasMore: boolean;
  /**
   * Set when the branch stops at a message whose parent is not on this
   * device yet (sync has not brought it): the id of that missing parent.
   * Show "an earlier message has not synced yet" above the page.
   */
  missingParentId?: string;
}

export type ConversationPatch = Partial<Pick<Conversation, 'title' | 'archived' | 'pinned' | 'tags'>>;

export type ConversationInput = Partial<Conversation> & { id: string; projectId: string };

/**
 * One committed write, reported to `subscribe` listeners once per transaction.
 * `origin` says where the write came from: this tab, another tab of the same
 * database (BroadcastChannel), or the sync engine applying remote changes.
 */
export interface StorageChange {
  origin: 'local' | 'other-tab' | 'sync';
  projectId: string;
  conversations: { id: string; deleted: boolean }[];
  messages: { id: string; conversationId: string; deleted: boolean }[];
  /** Project records written (created, renamed) or deleted; absent when none was. */
  projects?: { id: string; deleted: boolean }[];
}

export type StorageKind = 'indexeddb' | 'localstorage';

export interface ChatStorageAdapter {
  readonly kind: StorageKind;
  createConversation(input: { projectId: string; title?: string; id?: string }): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation | undefined>;
  /** Newest first (by updatedAt). Archived ones only with includeArchived. */
  listConversations(projectId: string, opts?: { includeArchived?: boolean }): Promise<Conversation[]>;
  updateConversation(id: string, patch: ConversationPatch): Promise<Conversation>;
  /** Removes the conversation and its messages in one transaction. */
  deleteConversation(id: string): Promise<void>;
  clearProject(projectId: string): Promise<void>;
  /** Ids of the projects on this device (with a record or conversations), sorted. */
  listProjects(): Promise<string[]>;
  /** Every project with its name, by name; a record exists for every project id in use. */
  getProjects(): Promise<Project[]>;
  /** Creates project `id` or renames it. The name is trimmed; an empty, overlong or taken name is refused. */
  saveProject(project: { id: string; name: string }): Promise<Project>;
  /**
   * Deletes the project and, in the same transaction, its conversations with
   * their messages, or moves them to project `moveTo` when given.
   */
  deleteProject(id: string, opts?: { moveTo?: string }): Promise<void>;
  /** Moves a conversation and all its messages to another project, in one transaction. */
  moveConversation(conversationId: string, projectId: string): Promise<Conversation>;
  /** Upsert by id; never removes anything not named. */
  saveMessage(m: MessageInput): Promise<Message>;
  updateMessage(id: string, patch: Partial<Message>): Promise<Message>;
  /** Removes the message and every message under it (its subtree), in one transaction. */
  deleteMessage(id: string): Promise<void>;
  /**
   * A chronological page of the active branch (or of the branch ending at
   * `leafId`), ending just before message `before` (or at the leaf).
   */
  getMessages(conversationId: string, opts?: GetMessagesOptions): Promise<MessagePage>;
  /** Every message of every branch, chronological. */
  loadConversation(conversationId: string): Promise<Message[]>;
  /** The message and its siblings (same parentId), chronological, and the index of `messageId` among them. */
  listVersions(messageId: string): Promise<{ versions: Message[]; index: number }>;
  /** Shows the branch through `messageId`: activeLeafId becomes the newest leaf under it. */
  selectVersion(conversationId: string, messageId: string): Promise<Conversation>;
  /**
   * Copies the path from the first message down to `messageId` into a new
   * conversation of the same project (new ids, `forkedFrom` set).
   */
  forkConversation(
    conversationId: string,
    messageId: string,
    opts?: { title?: string },
  ): Promise<Conversation>;
  /** The messages with these ids, in the same order; undefined where there is none. One read for all. */
  getMessagesByIds(ids: readonly string[]): Promise<(Message | undefined)[]>;
  /** Every tag used in the project (archived conversations included) with how many conversations carry it, by name. */
  listTags(projectId: string): Promise<TagCount[]>;
  /** Messages, answers and reported tokens per day, project and model over a window; reads only the window's messages. */
  usageSummary(query: UsageQuery): Promise<UsageSummary>;
  /** Upserts the conversation and messages in one transaction; never deletes messages missing from the input. */
  saveConversation(conversation: ConversationInput, messages: MessageInput[]): Promise<void>;
  subscribe(listener: (change: StorageChange) => void): () => void;
  close(): Promise<void>;
}

// ---- Sync: what the client sync engine needs from an adapter ----------------

export type RecordKind = 'conversation' | 'message' | 'project';
export type SyncStatus = 'local-only' | 'pending' | 'synced' | 'conflict';

/**
 * The synced part of a record. A conversation syncs only what people edit
 * (title, flags, tags, dates); its summaries (messageCount, lastMessage) are
 * derived on each device from the messages it holds.
 */
export type SyncedConversation = Omit<Conversation, 'messageCount' | 'lastMessage'>;
export type RecordData = SyncedConversation | Message | Project;

/** A record change as it travels on the wire (DESIGN.md "Change"). */
export interface RecordChange {
  kind: RecordKind;
  id: string;
  projectId: string;
  hlc: string;
  deleted: boolean;
  data: RecordData | null;
}

/** A change as the server stores it: with its server sequence number. */
export interface ServerRecordChange extends RecordChange {
  version: number;
}

/** One entry of the `sync_metadata` store: written in the same transaction as the record. */
export interface SyncMetadata {
  kind: RecordKind;
  id: string;
  projectId: string;
  /** The record's current stamp (HLC). */
  hlc: string;
  deleted: boolean;
  /** Server version of the last acknowledged or pulled state. */
  version?: number;
  syncStatus: SyncStatus;
  lastSyncedAt?: number;
  /** Set when the server refused this stamp; cleared by the next local write (a new stamp). */
  rejected?: string;
  /** The figures of that refusal (sync/protocol.ts Refusal) and when it came; kept while `local-only`. */
  refusal?: RefusalDetails;
}

/** What the server said about a refused stamp, for programs: see REFUSAL_CODES in sync/protocol.ts. */
export interface RefusalDetails {
  code?: string;
  limit?: number;
  size?: number;
  at: number;
}

/** A record the server refused (state `refused`, it waits for the user) or one kept on this device only. */
export interface RefusedRecord {
  kind: RecordKind;
  id: string;
  projectId: string;
  hlc: string;
  state: 'refused' | 'local-only';
  /** The server's words (absent for a record made local-only without a refusal). */
  reason?: string;
  refusal?: RefusalDetails;
  /** The conversation: the record itself, or the one the message is in. */
  conversationId?: string;
  /** That conversation's title. */
  title?: string;
  /** A message's role and the start of its text. */
  role?: Role;
  excerpt?: string;
}

/** A refusal as the sync engine records it. */
export interface RejectInput {
  kind: RecordKind;
  id: string;
  hlc: string;
  reason: string;
  code?: string;
  limit?: number;
  size?: number;
  at?: number;
}

/** A local version that lost to a remote change before it was pushed: kept for the user. */
export interface SyncConflict {
  id: string;
  kind: RecordKind;
  recordId: string;
  projectId: string;
  /** The losing local version (null when the local change was a delete). */
  local: RecordData | null;
  localHlc: string;
  /** The stamp of the remote change that won. */
  remoteHlc: string;
  detectedAt: number;
}

/** An acknowledgement of a pushed stamp. */
export interface PushAck {
  kind: RecordKind;
  id: string;
  hlc: string;
  version: number;
}

/**
 * How far a fresh device's history download got, kept with the data so that
 * a reload or a crash resumes it (see sync/bootstrap.ts).
 */
export interface BootstrapProgress {
  /** 'listing' until the conversation list and its cursor are stored, then 'messages'. */
  stage: 'listing' | 'messages';
  /** Conversations whose messages are still to download, next first. */
  queue: string[];
  /** Conversations the download covers in all (done = total - queue.length). */
  total: number;
}

/** A page of the history download, for applyRemote: the progress to store with it. */
export interface DownloadStep {
  /** The progress once the page is written; undefined when it completes the download. */
  progress: BootstrapProgress | undefined;
}

/** A pulled record that was not applied because it could not be opened or read. */
export interface QuarantinedRecord {
  kind: string;
  id: string;
  hlc: string;
  version: number;
  /**
   * `authentication-failed`: altered, moved from another record, or under
   * another key; `malformed`: not an encrypted record where one belongs
   * (`plaintext` when it came unencrypted); `invalid-record`: it opened but
   * is not a valid record.
   */
  failure: 'authentication-failed' | 'malformed' | 'not-json' | 'plaintext' | 'invalid-record';
  /** For people: what is wrong with it. */
  message: string;
  at: number;
}

/**
 * Implemented by both adapters; used only by the sync engine. Every local
 * write stamps its records with this device's HLC and marks them pending in
 * the same transaction, so the outbox survives reloads and crashes.
 */
export interface SyncSource {
  readonly clientId: string;
  /** Pending records not rejected at their current stamp, oldest stamp first, with their current data (null for tombstones). */
  pendingChanges(limit: number): Promise<RecordChange[]>;
  pendingCount(): Promise<number>;
  /** Marks records synced, but only where the stored stamp still equals the acknowledged one. */
  markPushed(acks: PushAck[], at: number): Promise<void>;
  /** Remembers that the server refused these stamps, so they are not pushed again until the record changes. */
  markRejected(rejects: RejectInput[]): Promise<void>;
  /** Records refused at their current stamp and records kept on this device only, newest refusal first. */
  listRefused(): Promise<RefusedRecord[]>;
  /** How many records wait refused (not those kept local-only); reads no record, for frequent status updates. */
  refusedCount(): Promise<number>;
  /** Keeps a record on this device only: it is never pushed again, also after later edits, until retryRefused. */
  keepLocalOnly(kind: RecordKind, id: string): Promise<void>;
  /** Puts a refused or device-only record back in the outbox at its current stamp. */
  retryRefused(kind: RecordKind, id: string): Promise<void>;
  /**
   * Applies a pulled page and stores `cursor`, in one transaction. A remote
   * change with a greater stamp wins; a pending local version that loses is
   * kept as a conflict. The local clock advances past every stamp seen.
   * Without a cursor (adopting a push's `current`), the stored cursor is left alone.
   * With `download`, the history download's progress once this page is in
   * is stored in the same transaction (as setBootstrap stores it), so the
   * stored progress and the stored messages always agree.
   */
  applyRemote(
    changes: ServerRecordChange[],
    cursor?: string,
    download?: DownloadStep,
  ): Promise<{ applied: number; conflicts: number }>;
  getCursor(): Promise<string | undefined>;
  getSyncMetadata(kind: RecordKind, id: string): Promise<SyncMetadata | undefined>;
  listConflicts(): Promise<SyncConflict[]>;
  /** Writes the losing version back as a new local write, then drops the conflict. */
  restoreConflict(conflictId: string): Promise<void>;
  dismissConflict(conflictId: string): Promise<void>;
  /** Forgets the cursor and marks every record pending: used when sync is turned on for another account. */
  resetSyncState(): Promise<void>;
  /**
   * Gives every record (tombstones too, not those kept on this device only) a
   * new stamp and puts it in the outbox, without any refusal; the cursor
   * stays. Used when end-to-end encryption is turned on or off: the server
   * keeps the greatest stamp, so only newer stamps replace what it holds.
   * Returns how many records were stamped.
   */
  restampAll(): Promise<number>;
  /** The fresh-device download's progress; undefined when none is under way. */
  getBootstrap(): Promise<BootstrapProgress | undefined>;
  /** Stores the download's progress; undefined once it is done. resetSyncState forgets it too. */
  setBootstrap(progress: BootstrapProgress | undefined): Promise<void>;
  /** The pulled records kept out because they did not open (sync/encryption.ts), as last stored. */
  getQuarantined(): Promise<QuarantinedRecord[]>;
  /** Stores the quarantine reports (an empty list clears them). resetSyncState forgets them too. */
  setQuarantined(records: QuarantinedRecord[]): Promise<void>;
}

export type SyncableChatStorage = ChatStorageAdapter & SyncSource;
