// The localStorage fallback: the same contract as the IndexedDB adapter for
// browsers where IndexedDB cannot be used. Layout in layout.ts; every write
// is one all-or-nothing KeyValueTx.
import { readBootstrapProgress, writeBootstrapProgress } from '../bootstrap-progress.js';
import { ChangeFeed } from '../change-feed.js';
import { type ConversationBatchItem, saveConversationBatch } from '../conversation-batch.js';
import { ChatStorageError, isQuotaError } from '../errors.js';
import { createHlcClock, type HlcClock, isValidClientId } from '../hlc.js';
import { newId } from '../ids.js';
import { compareProjects } from '../projects.js';
import { readQuarantined, writeQuarantined } from '../quarantine-reports.js';
import { compareConversationsNewestFirst } from '../records.js';
import { describeRefused, refusedState } from '../sync/refusals.js';
import { collectTags, type TagCount } from '../tags/tags.js';
import type {
  BootstrapProgress,
  Conversation,
  ConversationInput,
  ConversationPatch,
  DownloadStep,
  GetMessagesOptions,
  Message,
  MessageInput,
  MessagePage,
  Project,
  PushAck,
  QuarantinedRecord,
  RecordChange,
  RecordKind,
  RefusedRecord,
  RejectInput,
  ServerRecordChange,
  StorageChange,
  SyncableChatStorage,
  SyncConflict,
  SyncMetadata,
} from '../types.js';
import { checkUsageQuery, type UsageQuery, type UsageSummary, UsageTally } from '../usage/summary.js';
import { applyRemote } from './apply-remote.js';
import * as conflicts from './conflicts.js';
import { removeAll } from './fallback-copy.js';
import { Keys, LAYOUT_VERSION, type StoredMeta } from './layout.js';
import * as local from './local-writes.js';
import { withStorageLock } from './lock.js';
import * as projects from './projects.js';
import { Session } from './session.js';
import * as outbox from './sync-source.js';
import { corrupted, KeyValueTx, parseStored } from './transaction.js';
import { upgradeLayout } from './upgrade.js';
import * as versions from './versions.js';

export interface LocalStorageAdapterOptions {
  /** Keys live under `chatkeep:<dbName>:`. Default 'chatkeep'. */
  dbName?: string;
  /** Default: globalThis.localStorage. */
  storage?: Storage;
  /** Wall clock for record times and stamps. Default Date.now. */
  now?: () => number;
}

function unavailable(message: string, cause?: unknown): ChatStorageError {
  return new ChatStorageError('unavailable', message, { cause });
}

function defaultStorage(): Storage {
  let storage: Storage | undefined;
  try {
    storage = (globalThis as { localStorage?: Storage }).localStorage;
  } catch (cause) {
    // Browsers throw SecurityError here when site data is blocked.
    throw unavailable(
      'localStorage is blocked in this browser (site data is disabled or the page runs in a restricted context). Allow site data for this page to keep chat history.',
      cause,
    );
  }
  if (!storage)
    throw unavailable('localStorage is not available in this environment; pass a Storage as `storage`.');
  return storage;
}

/** Reads the meta key, creating it (with a new client id) for a new database. */
function loadMeta(storage: Storage, keys: Keys): StoredMeta {
  let raw = storage.getItem(keys.meta);
  // A database merged into IndexedDB whose removal was cut short: all of it is there already.
  if (raw !== null && (parseStored(keys.meta, raw) as StoredMeta | null)?.mergedInto !== undefined) {
    removeAll(storage, keys);
    raw = null;
  }
  if (raw === null) {
    const meta: StoredMeta = { layout: LAYOUT_VERSION, clientId: newId().replace(/-/g, '') };
    try {
      storage.setItem(keys.meta, JSON.stringify(meta));
    } catch (cause) {
      throw unavailable(
        `localStorage refused to save anything (${(cause as Error)?.name ?? 'error'}): it is full or disabled, as in some private browsing modes. Free some site data or leave private mode to keep chat history.`,
        cause,
      );
    }
    return meta;
  }
  const meta = parseStored(keys.meta, raw) as StoredMeta;
  if (
    typeof meta !== 'object' ||
    meta === null ||
    typeof meta.clientId !== 'string' ||
    !isValidClientId(meta.clientId)
  ) {
    throw corrupted(keys.meta, 'does not hold a valid client id');
  }
  if (typeof meta.layout !== 'number' || meta.layout > LAYOUT_VERSION) {
    throw unavailable(
      `The chat data in localStorage ("${keys.prefix}…") was written by a newer version of Chatkeep (layout ${String(meta.layout)}). Update the app to read it.`,
    );
  }
  return meta;
}

/** Upgrades an older layout in place, under the database's lock so that two tabs never both do it. */
async function upgrade(storage: Storage, keys: Keys, now: () => number): Promise<StoredMeta> {
  const run = () => {
    try {
      return upgradeLayout(new KeyValueTx(storage), keys, loadMeta(storage, keys), now());
    } catch (error) {
      if (isQuotaError(error)) {
        throw new ChatStorageError(
          'quota-exceeded',
          `Chatkeep must upgrade the chat history kept in localStorage ("${keys.prefix}…") to open it, and the upgrade needs a little more room than the browser allows. Nothing was changed. Free some site data for this page, then reload.`,
          { cause: error },
        );
      }
      throw error;
    }
  };
  return withStorageLock(keys.dbName, run);
}

export class LocalStorageAdapter implements SyncableChatStorage {
  readonly kind = 'localstorage' as const;
  readonly clientId: string;
  private closed = false;

  private constructor(
    private readonly storage: Storage,
    private readonly keys: Keys,
    private readonly clock: HlcClock,
    private readonly now: () => number,
    private readonly feed: ChangeFeed,
  ) {
    this.clientId = clock.clientId;
  }

  static async open(opts: LocalStorageAdapterOptions = {}): Promise<LocalStorageAdapter> {
    const dbName = opts.dbName ?? 'chatkeep';
    if (typeof dbName !== 'string' || !dbName) {
      throw new ChatStorageError('invalid-input', 'dbName must be a non-empty string.');
    }
    const storage = opts.storage ?? defaultStorage();
    const now = opts.now ?? Date.now;
    const keys = new Keys(dbName);
    let meta: StoredMeta;
    try {
      meta = loadMeta(storage, keys);
    } catch (error) {
      if (error instanceof ChatStorageError) throw error;
      throw unavailable(
        `localStorage cannot be read (${String(error)}). Allow site data for this page.`,
        error,
      );
    }
    if (meta.layout < LAYOUT_VERSION) meta = await upgrade(storage, keys, now);
    const clock = createHlcClock({ clientId: meta.clientId, now, last: meta.clock });
    return new LocalStorageAdapter(storage, keys, clock, now, new ChangeFeed(dbName));
  }

  // ---- conversations -------------------------------------------------------

  createConversation(input: { projectId: string; title?: string; id?: string }): Promise<Conversation> {
    return this.write((s) => local.createConversation(s, input, this.now()));
  }

  getConversation(id: string): Promise<Conversation | undefined> {
    return this.read((s) => s.conversation(id));
  }

  listConversations(projectId: string, opts?: { includeArchived?: boolean }): Promise<Conversation[]> {
    return this.read((s) =>
      Object.values(s.projectIndex(projectId))
        .filter((c) => opts?.includeArchived || !c.archived)
        .sort(compareConversationsNewestFirst),
    );
  }

  updateConversation(id: string, patch: ConversationPatch): Promise<Conversation> {
    return this.write((s) => local.updateConversation(s, id, patch, this.now()));
  }

  deleteConversation(id: string): Promise<void> {
    return this.write((s) => local.deleteConversation(s, id));
  }

  clearProject(projectId: string): Promise<void> {
    return this.write((s) => local.clearProject(s, projectId));
  }

  listProjects(): Promise<string[]> {
    return this.read((s) => [...new Set([...s.projects(), ...Object.keys(s.projectRecords())])].sort());
  }

  getProjects(): Promise<Project[]> {
    return this.read((s) =>
      Object.values(s.projectRecords())
        .map((r) => r.project)
        .sort(compareProjects),
    );
  }

  saveProject(project: { id: string; name: string }): Promise<Project> {
    return this.write((s) => projects.saveProject(s, project, this.now()));
  }

  deleteProject(id: string, opts?: { moveTo?: string }): Promise<void> {
    return this.write((s) => projects.deleteProject(s, id, opts));
  }

  moveConversation(conversationId: string, projectId: string): Promise<Conversation> {
    return this.write((s) => projects.moveConversation(s, conversationId, projectId));
  }

  saveConversation(conversation: ConversationInput, messages: MessageInput[]): Promise<void> {
    return this.write((s) => local.saveConversation(s, conversation, messages, this.now()));
  }

  /** The import path's saveConversation for several conversations in one transaction (conversation-batch.ts). */
  [saveConversationBatch](items: ConversationBatchItem[]): Promise<void> {
    return this.write((s) => {
      for (const item of items) {
        local.saveConversation(s, item.conversation, item.messages, this.now(), item.validated);
      }
    });
  }

  // ---- messages ------------------------------------------------------------

  saveMessage(m: MessageInput): Promise<Message> {
    return this.write((s) => local.saveMessage(s, m, this.now()));
  }

  updateMessage(id: string, patch: Partial<Message>): Promise<Message> {
    return this.write((s) => local.updateMessage(s, id, patch, this.now()));
  }

  deleteMessage(id: string): Promise<void> {
    return this.write((s) => local.deleteMessage(s, id));
  }

  getMessages(conversationId: string, opts?: GetMessagesOptions): Promise<MessagePage> {
    return this.read((s) => versions.getMessages(s, conversationId, opts));
  }

  listVersions(messageId: string): Promise<{ versions: Message[]; index: number }> {
    return this.read((s) => versions.listVersions(s, messageId));
  }

  selectVersion(conversationId: string, messageId: string): Promise<Conversation> {
    return this.write((s) => versions.selectVersion(s, conversationId, messageId));
  }

  forkConversation(
    conversationId: string,
    messageId: string,
    opts?: { title?: string },
  ): Promise<Conversation> {
    return this.write((s) => versions.forkConversation(s, conversationId, messageId, opts, this.now()));
  }

  loadConversation(conversationId: string): Promise<Message[]> {
    return this.read((s) => s.entry(conversationId)?.messages ?? []);
  }

  listTags(projectId: string): Promise<TagCount[]> {
    return this.read((s) =>
      collectTags(Object.values(s.projectIndex(projectId)).sort(compareConversationsNewestFirst)),
    );
  }

  /** As in IndexedDB: only conversations touched in the window are opened (see indexeddb/usage.ts). */
  usageSummary(query: UsageQuery): Promise<UsageSummary> {
    return this.read((s) => {
      const tally = new UsageTally(checkUsageQuery(query, this.now()));
      const projectIds = tally.query.projectId ? [tally.query.projectId] : s.projects();
      for (const projectId of projectIds) {
        for (const c of Object.values(s.projectIndex(projectId))) {
          if (c.updatedAt < tally.query.since) continue;
          for (const message of s.messagesOf(c.id)) tally.add(message);
        }
      }
      return tally.result();
    });
  }

  getMessagesByIds(ids: readonly string[]): Promise<(Message | undefined)[]> {
    return this.read((s) => ids.map((id) => s.findMessage(id)?.message));
  }

  // ---- change feed ---------------------------------------------------------

  subscribe(listener: (change: StorageChange) => void): () => void {
    return this.feed.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.feed.close();
  }

  // ---- sync source ---------------------------------------------------------

  pendingChanges(limit: number): Promise<RecordChange[]> {
    return this.read((s) => outbox.pendingChanges(s, limit));
  }

  pendingCount(): Promise<number> {
    return this.read((s) => outbox.pendingCount(s));
  }

  markPushed(acks: PushAck[], at: number): Promise<void> {
    return this.write((s) => outbox.markPushed(s, acks, at));
  }

  markRejected(rejects: RejectInput[]): Promise<void> {
    return this.write((s) => outbox.markRejected(s, rejects, this.now()));
  }

  async listRefused(): Promise<RefusedRecord[]> {
    return describeRefused(await this.read((s) => outbox.listRefused(s)), this);
  }

  refusedCount(): Promise<number> {
    return this.read((s) => outbox.listRefused(s).filter((meta) => refusedState(meta) === 'refused').length);
  }

  keepLocalOnly(kind: RecordKind, id: string): Promise<void> {
    return this.write((s) => outbox.keepLocalOnly(s, kind, id));
  }

  retryRefused(kind: RecordKind, id: string): Promise<void> {
    return this.write((s) => outbox.retryRefused(s, kind, id));
  }

  async applyRemote(
    changes: ServerRecordChange[],
    cursor?: string,
    download?: DownloadStep,
  ): Promise<{ applied: number; conflicts: number }> {
    const progress = download && writeBootstrapProgress(download.progress);
    return this.write((s) => {
      const result = applyRemote(s, changes, cursor, this.now());
      if (download) s.setBootstrap(progress);
      return result;
    }, 'sync');
  }

  getCursor(): Promise<string | undefined> {
    return this.read((s) => s.state().cursor);
  }

  getBootstrap(): Promise<BootstrapProgress | undefined> {
    return this.read((s) => readBootstrapProgress(s.state().bootstrap));
  }

  async setBootstrap(progress: BootstrapProgress | undefined): Promise<void> {
    const text = writeBootstrapProgress(progress);
    return this.write((s) => s.setBootstrap(text), 'sync');
  }

  getQuarantined(): Promise<QuarantinedRecord[]> {
    return this.read((s) => readQuarantined(s.tx.get<string>(this.keys.quarantine)));
  }

  async setQuarantined(records: QuarantinedRecord[]): Promise<void> {
    const text = writeQuarantined(records);
    return this.write((s) => s.setQuarantined(text), 'sync');
  }

  getSyncMetadata(kind: RecordKind, id: string): Promise<SyncMetadata | undefined> {
    return this.read((s) => s.meta(kind, id));
  }

  listConflicts(): Promise<SyncConflict[]> {
    return this.read((s) => conflicts.listConflicts(s));
  }

  restoreConflict(conflictId: string): Promise<void> {
    return this.write((s) => conflicts.restoreConflict(s, conflictId, this.now()));
  }

  dismissConflict(conflictId: string): Promise<void> {
    return this.write((s) => conflicts.dismissConflict(s, conflictId));
  }

  resetSyncState(): Promise<void> {
    return this.write((s) => outbox.resetSyncState(s));
  }

  restampAll(): Promise<number> {
    return this.write((s) => outbox.restampAll(s));
  }

  // ---- plumbing ------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) {
      throw new ChatStorageError(
        'closed',
        `The chat database "${this.keys.dbName}" was closed; open it again to use it.`,
      );
    }
  }

  private session(origin: StorageChange['origin']): Session {
    return new Session(new KeyValueTx(this.storage), this.keys, this.clock, origin);
  }

  private async read<T>(fn: (s: Session) => T): Promise<T> {
    this.assertOpen();
    return fn(this.session('local'));
  }

  /** Runs `fn` as one transaction and announces what it changed once it is committed. */
  private async write<T>(fn: (s: Session) => T, origin: StorageChange['origin'] = 'local'): Promise<T> {
    this.assertOpen();
    const run = () => {
      this.assertOpen();
      const s = this.session(origin);
      const result = fn(s);
      const changes = s.commit();
      for (const change of changes) this.feed.emit(change);
      return result;
    };
    return withStorageLock(this.keys.dbName, run);
  }
}
