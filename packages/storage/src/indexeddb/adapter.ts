// The IndexedDB adapter: the browser's durable home for chat history.
import { unwrap } from 'idb';
import { readBootstrapProgress, writeBootstrapProgress } from '../bootstrap-progress.js';
import { ChangeFeed } from '../change-feed.js';
import { type ConversationBatchItem, saveConversationBatch } from '../conversation-batch.js';
import { ChatStorageError, isQuotaError, quotaExceeded } from '../errors.js';
import type { FallbackCopy } from '../localstorage/fallback-copy.js';
import { checkProjectId, compareProjects } from '../projects.js';
import { readQuarantined, writeQuarantined } from '../quarantine-reports.js';
import {
  checkSaveConversationArgs,
  clampLimit,
  newConversation,
  patchConversation,
  patchMessage,
} from '../records.js';
import { validateConversationPatch, validateMessageInput } from '../schema.js';
import { parseRemoteChangesInSlices } from '../sync/protocol.js';
import { describeRefused, refusedState } from '../sync/refusals.js';
import { yieldToMain } from '../sync/yield.js';
import type { TagCount } from '../tags/tags.js';
import type {
  BootstrapProgress,
  ChatStorageAdapter,
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
  SyncConflict,
  SyncMetadata,
  SyncSource,
} from '../types.js';
import type { UsageQuery, UsageSummary } from '../usage/summary.js';
import { applyRemoteChanges } from './apply-remote.js';
import { BranchReader, childrenRange } from './branch.js';
import { openDatabase } from './database.js';
import { applyFallbackCopy, type FallbackMergeCounts, mergeFallbackCopy } from './merge-fallback.js';
import * as projects from './projects.js';
import { removeConversation } from './remove.js';
import { ALL_STORES } from './schema.js';
import * as sync from './sync.js';
import {
  deleteSubtree,
  forkConversation,
  notFoundConversation,
  notFoundMessage,
  saveBatch,
  saveBatches,
  saveOne,
  selectVersion,
  stampConversation,
  updateOne,
} from './tree-writes.js';
import {
  ChangeSet,
  conversationRange,
  type Db,
  ensureProject,
  loadClock,
  projectRange,
  saveClock,
  stampLocal,
  stampLocalMany,
  type WriteScope,
  type WriteTx,
} from './tx.js';
import { newClientId } from './upgrade.js';
import { readTags, readUsage } from './usage.js';

export interface IndexedDBAdapterOptions {
  /** Database name, also the name of the cross-tab channel. Default 'chatkeep'. */
  dbName?: string;
  /** The IndexedDB factory; default the global `indexedDB`. */
  indexedDB?: IDBFactory;
  /** Wall clock in ms, for record times and HLC stamps. */
  now?: () => number;
  /** How long an open waits for other tabs to let go before rejecting with 'blocked' (blocked-open.ts). */
  blockedGraceMs?: number;
}

export class IndexedDBAdapter implements ChatStorageAdapter, SyncSource {
  readonly kind = 'indexeddb' as const;
  private closedReason: string | undefined;

  private constructor(
    private readonly db: Db,
    readonly clientId: string,
    private readonly feed: ChangeFeed,
    private readonly now: () => number,
    readonly dbName: string,
  ) {}

  /** Opens (creating or upgrading) the database; rejects with 'unavailable' when IndexedDB cannot be used. */
  static async open(opts: IndexedDBAdapterOptions = {}): Promise<IndexedDBAdapter> {
    const dbName = opts.dbName ?? 'chatkeep';
    const now = opts.now ?? Date.now;
    let adapter: IndexedDBAdapter | undefined;
    let lostBeforeReady: string | undefined;
    const db = await openDatabase({
      dbName,
      indexedDB: opts.indexedDB,
      now,
      blockedGraceMs: opts.blockedGraceMs,
      onLost: (reason) => {
        if (adapter) adapter.lose(reason);
        else lostBeforeReady = reason;
      },
    });
    let clientId: string;
    try {
      clientId = await ensureClientId(db);
    } catch (error) {
      db.close();
      throw new ChatStorageError('unavailable', `IndexedDB could not be read: ${String(error)}`, {
        cause: error,
      });
    }
    adapter = new IndexedDBAdapter(db, clientId, new ChangeFeed(dbName), now, dbName);
    if (lostBeforeReady) adapter.lose(lostBeforeReady);
    return adapter;
  }

  // ---- conversations ------------------------------------------------------

  async createConversation(input: { projectId: string; title?: string; id?: string }): Promise<Conversation> {
    this.assertOpen();
    const conversation = newConversation(input, this.now());
    return this.write(async (scope) => {
      const store = scope.tx.objectStore('conversations');
      if (await store.getKey(conversation.id)) {
        throw new ChatStorageError(
          'invalid-input',
          `Conversation ${conversation.id} already exists; change it with updateConversation or saveConversation.`,
        );
      }
      await store.put(conversation);
      await ensureProject(scope.tx, conversation.projectId, conversation.createdAt);
      await stampConversation(scope, conversation);
      return conversation;
    });
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    return this.read(() => this.db.get('conversations', id));
  }

  async listConversations(
    projectId: string,
    opts: { includeArchived?: boolean } = {},
  ): Promise<Conversation[]> {
    return this.read(async () => {
      const all = await this.db.getAllFromIndex('conversations', 'byProjectUpdated', projectRange(projectId));
      // The index is ascending by (updatedAt, id): reversed it is newest first.
      const newestFirst = all.reverse();
      return opts.includeArchived ? newestFirst : newestFirst.filter((c) => !c.archived);
    });
  }

  async updateConversation(id: string, patch: ConversationPatch): Promise<Conversation> {
    this.assertOpen();
    return this.write(async ({ tx, changes, stamp }) => {
      const existing = await tx.objectStore('conversations').get(id);
      if (!existing) throw notFoundConversation(id);
      const updated = patchConversation(existing, patch, this.now());
      await tx.objectStore('conversations').put(updated);
      await stamp({ kind: 'conversation', id, projectId: updated.projectId, deleted: false });
      changes.conversation(updated.projectId, id, false);
      return updated;
    });
  }

  async deleteConversation(id: string): Promise<void> {
    this.assertOpen();
    await this.write(async ({ tx, changes, stamp }) => {
      const existing = await tx.objectStore('conversations').get(id);
      // Deleting twice (two tabs, a double click) is not an error.
      if (!existing) return;
      const hlc = await stamp({ kind: 'conversation', id, projectId: existing.projectId, deleted: true });
      await removeConversation(tx, existing, hlc, changes);
    });
  }

  async clearProject(projectId: string): Promise<void> {
    this.assertOpen();
    await this.write(async ({ tx, changes, stamp }) => {
      const keys = await tx
        .objectStore('conversations')
        .index('byProjectUpdated')
        .getAllKeys(projectRange(projectId));
      for (const id of keys) {
        const hlc = await stamp({ kind: 'conversation', id, projectId, deleted: true });
        await removeConversation(tx, { id, projectId }, hlc, changes);
      }
      await tx.objectStore('projects').delete(projectId);
    });
  }

  async listProjects(): Promise<string[]> {
    return this.read(() => this.db.getAllKeys('projects'));
  }

  async getProjects(): Promise<Project[]> {
    return this.read(async () => (await this.db.getAll('projects')).sort(compareProjects));
  }

  async saveProject(project: { id: string; name: string }): Promise<Project> {
    this.assertOpen();
    return this.write((scope) => projects.saveProject(scope, project, this.now()));
  }

  async deleteProject(id: string, opts: { moveTo?: string } = {}): Promise<void> {
    this.assertOpen();
    await this.write((scope) => projects.deleteProject(scope, id, opts, this.now()));
  }

  async moveConversation(conversationId: string, projectId: string): Promise<Conversation> {
    this.assertOpen();
    const target = checkProjectId(projectId, 'moveConversation');
    return this.write(async (scope) => {
      const existing = await scope.tx.objectStore('conversations').get(conversationId);
      if (!existing) throw notFoundConversation(conversationId);
      return projects.moveConversationTo(scope, existing, target, this.now());
    });
  }

  // ---- messages -------------------------------------------------------------
  // Where messages go in the tree and how the shown branch moves: tree-writes.ts.

  async saveMessage(raw: MessageInput): Promise<Message> {
    this.assertOpen();
    const input = validateMessageInput(raw);
    return this.write((scope) => saveOne(scope, input, this.now()));
  }

  async updateMessage(id: string, patch: Partial<Message>): Promise<Message> {
    this.assertOpen();
    // Called once per streamed chunk: the requests are issued in few batches, not one at a time.
    return this.write(async (scope) => {
      const existing = await scope.tx.objectStore('messages').get(id);
      if (!existing) throw notFoundMessage(id);
      return updateOne(scope, existing, patchMessage(existing, patch, this.now()));
    });
  }

  async deleteMessage(id: string): Promise<void> {
    this.assertOpen();
    await this.write((scope) => deleteSubtree(scope, id));
  }

  async getMessages(conversationId: string, opts: GetMessagesOptions = {}): Promise<MessagePage> {
    const limit = clampLimit(opts.limit);
    return this.read(async () => {
      const tx = this.db.transaction(['conversations', 'messages'], 'readonly');
      // The first window holds the page whenever the branch is the newest messages, as it nearly always is.
      const reader = new BranchReader(unwrap(tx), conversationId, limit);
      const anchorId = opts.before ?? opts.leafId;
      const [conversation, anchor] = await Promise.all([
        tx.objectStore('conversations').get(conversationId),
        anchorId === undefined ? undefined : reader.get(anchorId),
        opts.leafId === undefined ? reader.readWindow() : undefined,
      ]);
      if (anchorId !== undefined && !anchor) {
        throw new ChatStorageError(
          'not-found',
          `getMessages: message ${anchorId} is not in conversation ${conversationId}; pass the id of a message from the page you already have.`,
        );
      }
      let start: Message | null | undefined;
      if (opts.before !== undefined && anchor) {
        // `before` must be on the branch: walk up to it from the branch's leaf.
        const leaf = opts.leafId !== undefined ? await reader.get(opts.leafId) : undefined;
        if (opts.leafId !== undefined && !leaf) throw notFoundMessage(opts.leafId, conversationId);
        const end = leaf ?? (conversation ? await reader.activeLeaf(conversation) : undefined);
        if (!end || !(await reader.reaches(end, anchor))) {
          throw new ChatStorageError(
            'not-found',
            `getMessages: message ${anchor.id} is not on the branch shown${opts.leafId ? ` (ending at ${opts.leafId})` : ''}; pass the id of the first message of the page you already have.`,
          );
        }
        start = await reader.parentOf(anchor);
        if (start === undefined) return { messages: [], hasMore: false, missingParentId: anchor.parentId! };
      } else {
        start = anchor ?? (conversation ? await reader.activeLeaf(conversation) : undefined);
      }
      if (!start) return { messages: [], hasMore: false };
      const walk = await reader.walkUp(start, limit);
      const page: MessagePage = { messages: walk.messages.reverse(), hasMore: walk.hasMore };
      if (walk.missingParentId !== undefined) page.missingParentId = walk.missingParentId;
      return page;
    });
  }

  async loadConversation(conversationId: string): Promise<Message[]> {
    return this.read(() =>
      this.db.getAllFromIndex('messages', 'byConversationCreated', conversationRange(conversationId)),
    );
  }

  async listVersions(messageId: string): Promise<{ versions: Message[]; index: number }> {
    return this.read(async () => {
      const tx = this.db.transaction('messages', 'readonly');
      const message = await tx.store.get(messageId);
      if (!message) throw notFoundMessage(messageId);
      // First messages are not in byParent (a null key): they are found among the conversation's messages.
      const versions =
        message.parentId === null
          ? (
              await tx.store.index('byConversationCreated').getAll(conversationRange(message.conversationId))
            ).filter((m) => m.parentId === null)
          : await tx.store.index('byParent').getAll(childrenRange(message.parentId));
      return { versions, index: versions.findIndex((m) => m.id === messageId) };
    });
  }

  async selectVersion(conversationId: string, messageId: string): Promise<Conversation> {
    this.assertOpen();
    return this.write((scope) => selectVersion(scope, conversationId, messageId));
  }

  async forkConversation(
    conversationId: string,
    messageId: string,
    opts: { title?: string } = {},
  ): Promise<Conversation> {
    this.assertOpen();
    const { title } = validateConversationPatch({ title: opts?.title });
    return this.write((scope) => forkConversation(scope, conversationId, messageId, title, this.now()));
  }

  async getMessagesByIds(ids: readonly string[]): Promise<(Message | undefined)[]> {
    return this.read(async () => {
      // All gets are issued at once in one transaction: one wait, not one per id.
      const store = this.db.transaction('messages', 'readonly').store;
      return Promise.all(ids.map((id) => store.get(id)));
    });
  }

  async listTags(projectId: string): Promise<TagCount[]> {
    return this.read(() => readTags(this.db, projectId));
  }

  async usageSummary(query: UsageQuery): Promise<UsageSummary> {
    return this.read(() => readUsage(this.db, query, this.now()));
  }

  async saveConversation(input: ConversationInput, messages: MessageInput[]): Promise<void> {
    this.assertOpen();
    const inputs = checkSaveConversationArgs(input, messages);
    await this.write((scope) => saveBatch(scope, input, inputs, this.now()));
  }

  /** The import path's saveConversation for several conversations in one transaction (conversation-batch.ts). */
  async [saveConversationBatch](items: ConversationBatchItem[]): Promise<void> {
    this.assertOpen();
    const checked = items.map((item) => ({
      input: item.conversation,
      inputs: checkSaveConversationArgs(item.conversation, item.messages, item.validated),
    }));
    try {
      await this.write((scope) => saveBatches(scope, checked, this.now(), true));
    } catch (error) {
      // A record the fast path took for new was stored after all (an id shared
      // with another conversation, the sync entry of a deleted one): nothing
      // was written; saved again reading everything back first.
      if ((error as { cause?: { name?: string } }).cause?.name !== 'ConstraintError') throw error;
      await this.write((scope) => saveBatches(scope, checked, this.now(), false));
    }
  }

  /** Brings in the copy kept in localStorage while IndexedDB could not be used (fallback-merge.ts). */
  async [mergeFallbackCopy](copy: FallbackCopy): Promise<FallbackMergeCounts> {
    return this.write(
      ({ tx, changes }) => applyFallbackCopy(tx, changes, this.clientId, this.now, copy),
      'local',
      false,
    );
  }

  subscribe(listener: (change: StorageChange) => void): () => void {
    return this.feed.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closedReason) return;
    this.lose('it was closed');
  }

  // ---- sync source --------------------------------------------------------------

  async pendingChanges(limit: number): Promise<RecordChange[]> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ChatStorageError(
        'invalid-input',
        `pendingChanges: limit must be a positive integer, got ${String(limit)}.`,
      );
    }
    return this.read(() => sync.pendingChanges(this.db, limit));
  }

  async pendingCount(): Promise<number> {
    return this.read(() => this.db.countFromIndex('sync_metadata', 'outbox'));
  }

  async markPushed(acks: PushAck[], at: number): Promise<void> {
    this.assertOpen();
    await this.write(({ tx }) => sync.markPushed(tx, acks, at));
  }

  async markRejected(rejects: RejectInput[]): Promise<void> {
    this.assertOpen();
    await this.write(({ tx }) => sync.markRejected(tx, rejects, this.now()));
  }

  async listRefused(): Promise<RefusedRecord[]> {
    const metas = await this.read(() => sync.listRefused(this.db));
    return describeRefused(metas, this);
  }

  async refusedCount(): Promise<number> {
    const metas = await this.read(() => sync.listRefused(this.db));
    return metas.filter((meta) => refusedState(meta) === 'refused').length;
  }

  async keepLocalOnly(kind: RecordKind, id: string): Promise<void> {
    this.assertOpen();
    await this.write(({ tx }) => sync.keepLocalOnly(tx, kind, id), 'local', false);
  }

  async retryRefused(kind: RecordKind, id: string): Promise<void> {
    this.assertOpen();
    await this.write(({ tx }) => sync.retryRefused(tx, kind, id), 'local', false);
  }

  async applyRemote(
    changes: ServerRecordChange[],
    cursor?: string,
    download?: DownloadStep,
  ): Promise<{ applied: number; conflicts: number }> {
    this.assertOpen();
    const valid = await parseRemoteChangesInSlices(changes, cursor, yieldToMain);
    const progress = download && writeBootstrapProgress(download.progress);
    this.assertOpen();
    return this.write(
      async (scope) => {
        const result = await applyRemoteChanges(
          scope.tx,
          scope.changes,
          this.clientId,
          this.now,
          valid,
          cursor,
        );
        if (download) await putBootstrap(scope.tx.objectStore('meta'), progress);
        return result;
      },
      'sync',
      // applyRemote manages its own clock: remote stamps are observed, not made.
      false,
    );
  }

  async getCursor(): Promise<string | undefined> {
    return this.read(() => this.db.get('meta', 'cursor'));
  }

  async getBootstrap(): Promise<BootstrapProgress | undefined> {
    return this.read(async () => readBootstrapProgress(await this.db.get('meta', 'bootstrap')));
  }

  async setBootstrap(progress: BootstrapProgress | undefined): Promise<void> {
    const text = writeBootstrapProgress(progress);
    // Its own small transaction: no record changes, so nothing for the change feed.
    await this.read(() => putBootstrap(this.db.transaction('meta', 'readwrite').store, text));
  }

  async getQuarantined(): Promise<QuarantinedRecord[]> {
    return this.read(async () => readQuarantined(await this.db.get('meta', 'quarantine')));
  }

  async setQuarantined(records: QuarantinedRecord[]): Promise<void> {
    const text = writeQuarantined(records);
    // Like the download progress: its own small transaction, nothing for the change feed.
    await this.read(() =>
      text === undefined
        ? this.db.delete('meta', 'quarantine')
        : this.db.put('meta', text, 'quarantine').then(() => {}),
    );
  }

  async getSyncMetadata(kind: RecordKind, id: string): Promise<SyncMetadata | undefined> {
    return this.read(async () => {
      const stored = await this.db.get('sync_metadata', [kind, id]);
      if (!stored) return undefined;
      const { outbox: _o, ...meta } = stored;
      return meta;
    });
  }

  async listConflicts(): Promise<SyncConflict[]> {
    return this.read(async () => (await this.db.getAllFromIndex('conflicts', 'byDetected')).reverse());
  }

  async dismissConflict(conflictId: string): Promise<void> {
    this.assertOpen();
    await this.write(async ({ tx }) => {
      const store = tx.objectStore('conflicts');
      if (!(await store.getKey(conflictId))) throw notFoundConflict(conflictId);
      await store.delete(conflictId);
    });
  }

  async restoreConflict(conflictId: string): Promise<void> {
    this.assertOpen();
    await this.write(async ({ tx, changes, stamp }) => {
      const conflict = await tx.objectStore('conflicts').get(conflictId);
      if (!conflict) throw notFoundConflict(conflictId);
      await sync.restoreConflict(tx, changes, stamp, conflict, this.now());
      await tx.objectStore('conflicts').delete(conflictId);
    });
  }

  async resetSyncState(): Promise<void> {
    this.assertOpen();
    await this.write(({ tx }) => sync.resetSyncState(tx));
  }

  async restampAll(): Promise<number> {
    this.assertOpen();
    return this.write(({ tx, nextStamp }) => sync.restampAll(tx, { next: nextStamp }));
  }

  // ---- internals ----------------------------------------------------------------

  private lose(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    this.db.close();
    this.feed.close();
  }

  private closedError(): ChatStorageError {
    return new ChatStorageError(
      'closed',
      `The chat storage "${this.dbName}" is closed (${this.closedReason}); open it again to keep working.`,
    );
  }

  private assertOpen(): void {
    if (this.closedReason) throw this.closedError();
  }

  private toStorageError(error: unknown): ChatStorageError {
    if (error instanceof ChatStorageError) return error;
    if (isQuotaError(error)) return quotaExceeded(error);
    if (this.closedReason || (error as { name?: string })?.name === 'InvalidStateError') {
      this.closedReason ??= 'the browser closed the database';
      return this.closedError();
    }
    const detail =
      error instanceof Error || error instanceof DOMException
        ? `${error.name}: ${error.message}`
        : String(error);
    return new ChatStorageError(
      'unavailable',
      `IndexedDB failed (${detail}). If this repeats, reload the page; your saved history is unaffected.`,
      { cause: error },
    );
  }

  private async read<T>(body: () => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await body();
    } catch (error) {
      throw this.toStorageError(error);
    }
  }

  /**
   * Runs `body` in one readwrite transaction over every store. Nothing is
   * reported until the transaction committed; any failure aborts it whole.
   */
  private async write<T>(
    body: (scope: WriteScope) => Promise<T>,
    origin: StorageChange['origin'] = 'local',
    ownClock = true,
  ): Promise<T> {
    this.assertOpen();
    let tx: WriteTx;
    try {
      tx = this.db.transaction(ALL_STORES, 'readwrite');
    } catch (error) {
      throw this.toStorageError(error);
    }
    const changes = new ChangeSet();
    try {
      const clock = ownClock ? await loadClock(tx, this.clientId, this.now) : undefined;
      const result = await body({
        tx,
        changes,
        stamp: (record) => {
          if (!clock) throw new Error('this transaction does not stamp local writes');
          return stampLocal(tx, clock, record);
        },
        stampMany: (records, absent) => {
          if (!clock) throw new Error('this transaction does not stamp local writes');
          return stampLocalMany(tx, clock, records, absent);
        },
        nextStamp: () => {
          if (!clock) throw new Error('this transaction does not stamp local writes');
          return clock.next();
        },
      });
      if (clock) await saveClock(tx, clock);
      await tx.done;
      changes.emit(this.feed, origin);
      return result;
    } catch (error) {
      tx.done.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // Already aborted by the failing request, or already committed.
      }
      throw this.toStorageError(error);
    }
  }
}

async function ensureClientId(db: Db): Promise<string> {
  const tx = db.transaction('meta', 'readwrite');
  let clientId = await tx.store.get('clientId');
  if (!clientId) {
    clientId = newClientId();
    await tx.store.put(clientId, 'clientId');
  }
  await tx.done;
  return clientId;
}

function notFoundConflict(id: string): ChatStorageError {
  return new ChatStorageError(
    'not-found',
    `Conflict ${id} does not exist; it was already restored or dismissed.`,
  );
}

/** Stores the download's progress (as text), or forgets it once the download is done. */
async function putBootstrap(
  meta: { put(value: string, key: 'bootstrap'): Promise<unknown>; delete(key: 'bootstrap'): Promise<void> },
  text: string | undefined,
): Promise<void> {
  if (text === undefined) await meta.delete('bootstrap');
  else await meta.put(text, 'bootstrap');
}
