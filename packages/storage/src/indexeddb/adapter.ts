// The IndexedDB adapter: the browser's durable home for chat history.
import { unwrap } from 'idb';
import { ChangeFeed } from '../change-feed.js';
import { type ConversationBatchItem, saveConversationBatch } from '../conversation-batch.js';
import { ChatStorageError, isQuotaError, quotaExceeded } from '../errors.js';
import {
  buildMessage,
  checkSameProject,
  checkSaveConversationArgs,
  clampLimit,
  compareMessages,
  newConversation,
  patchConversation,
  patchMessage,
  upsertConversation,
  withSummary,
} from '../records.js';
import { validateMessageInput } from '../schema.js';
import type {
  ChatStorageAdapter,
  Conversation,
  ConversationInput,
  ConversationPatch,
  Message,
  MessageInput,
  PushAck,
  RecordChange,
  RecordKind,
  ServerRecordChange,
  StorageChange,
  SyncConflict,
  SyncMetadata,
  SyncSource,
} from '../types.js';
import { applyRemoteChanges } from './apply-remote.js';
import { openDatabase } from './database.js';
import { readNewestPage } from './newest-page.js';
import { readBack } from './read-back.js';
import { removeConversation } from './remove.js';
import { ALL_STORES } from './schema.js';
import * as sync from './sync.js';
import {
  ChangeSet,
  conversationRange,
  type Db,
  ensureProject,
  issueAll,
  loadClock,
  newestAfterWrite,
  projectRange,
  saveClock,
  stampLocal,
  stampLocalMany,
  summarize,
  type WriteTx,
} from './tx.js';
import { newClientId } from './upgrade.js';

export interface IndexedDBAdapterOptions {
  /** Database name, also the name of the cross-tab channel. Default 'chatkeep'. */
  dbName?: string;
  /** The IndexedDB factory; default the global `indexedDB`. */
  indexedDB?: IDBFactory;
  /** Wall clock in ms, for record times and HLC stamps. */
  now?: () => number;
}

/** What a transaction body gets: the transaction, its change report, and a clock that is saved at the end. */
interface WriteScope {
  tx: WriteTx;
  changes: ChangeSet;
  stamp(record: { kind: RecordKind; id: string; projectId: string; deleted: boolean }): Promise<string>;
  /** The same for many records at once, without a round trip per record. */
  stampMany(
    records: { kind: RecordKind; id: string; projectId: string; deleted: boolean }[],
  ): Promise<string[]>;
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
      await ensureProject(scope.tx, conversation.projectId);
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

  // ---- messages -------------------------------------------------------------

  async saveMessage(raw: MessageInput): Promise<Message> {
    this.assertOpen();
    const input = validateMessageInput(raw);
    return this.write(async ({ tx, changes, stamp }) => {
      // Requests that do not depend on each other are issued together: every
      // await is a round trip to the browser's storage thread.
      const [conversation, existing, last] = await Promise.all([
        tx.objectStore('conversations').get(input.conversationId),
        tx.objectStore('messages').get(input.id),
        tx
          .objectStore('messages')
          .index('byConversationCreated')
          .openCursor(conversationRange(input.conversationId), 'prev'),
      ]);
      if (!conversation) throw notFoundConversation(input.conversationId, 'saving messages to it');
      checkSameProject(input, conversation);
      const newestBefore = last?.value;
      const follows = newestBefore && newestBefore.id !== input.id ? newestBefore.id : null;
      const message = buildMessage(input, existing, this.now(), follows);
      const newest =
        !newestBefore || newestBefore.id === message.id || compareMessages(message, newestBefore) >= 0
          ? message
          : newestBefore;
      await Promise.all([
        tx.objectStore('messages').put(message),
        stamp({ kind: 'message', id: message.id, projectId: message.projectId, deleted: false }),
      ]);
      const count = conversation.messageCount + (existing ? 0 : 1);
      await tx.objectStore('conversations').put(withSummary(conversation, newest, count, message.updatedAt));
      changes.message(message, false);
      return message;
    });
  }

  async updateMessage(id: string, patch: Partial<Message>): Promise<Message> {
    this.assertOpen();
    // Called once per streamed chunk: the requests are issued in two batches, not one at a time.
    return this.write(async ({ tx, changes, stamp }) => {
      const existing = await tx.objectStore('messages').get(id);
      if (!existing) throw notFoundMessage(id);
      const message = patchMessage(existing, patch, this.now());
      const [, , conversation, newest] = await Promise.all([
        tx.objectStore('messages').put(message),
        stamp({ kind: 'message', id, projectId: message.projectId, deleted: false }),
        tx.objectStore('conversations').get(message.conversationId),
        newestAfterWrite(tx, message),
      ]);
      // An update never changes how many messages the conversation has.
      if (conversation)
        await tx
          .objectStore('conversations')
          .put(withSummary(conversation, newest, conversation.messageCount, message.updatedAt));
      changes.message(message, false);
      return message;
    });
  }

  async deleteMessage(id: string): Promise<void> {
    this.assertOpen();
    await this.write(async ({ tx, changes, stamp }) => {
      const existing = await tx.objectStore('messages').get(id);
      if (!existing) throw notFoundMessage(id);
      await tx.objectStore('messages').delete(id);
      await stamp({ kind: 'message', id, projectId: existing.projectId, deleted: true });
      const conversation = await tx.objectStore('conversations').get(existing.conversationId);
      if (conversation) await tx.objectStore('conversations').put(await summarize(tx, conversation));
      changes.message(existing, true);
    });
  }

  async getMessages(
    conversationId: string,
    opts: { limit?: number; before?: string } = {},
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    const limit = clampLimit(opts.limit);
    return this.read(async () => {
      const tx = this.db.transaction('messages', 'readonly');
      let upper: IDBValidKey = [conversationId, Number.POSITIVE_INFINITY];
      if (opts.before !== undefined) {
        const anchor = await tx.store.get(opts.before);
        if (!anchor || anchor.conversationId !== conversationId) {
          throw new ChatStorageError(
            'not-found',
            `getMessages: message ${opts.before} is not in conversation ${conversationId}; pass the id of a message from the page you already have.`,
          );
        }
        upper = [conversationId, anchor.createdAt, anchor.id];
      }
      // Only the page is read, in one or a few requests, plus one key to learn hasMore.
      const range = IDBKeyRange.bound([conversationId], upper, false, true);
      const index = unwrap(tx.store.index('byConversationCreated'));
      const { values, hasMore } = await readNewestPage<Message>(index, range, limit);
      return { messages: values, hasMore };
    });
  }

  async loadConversation(conversationId: string): Promise<Message[]> {
    return this.read(() =>
      this.db.getAllFromIndex('messages', 'byConversationCreated', conversationRange(conversationId)),
    );
  }

  async listVersions(_messageId: string): Promise<{ versions: Message[]; index: number }> {
    throw new ChatStorageError('unavailable', 'listVersions is not implemented yet.');
  }

  async selectVersion(_conversationId: string, _messageId: string): Promise<Conversation> {
    throw new ChatStorageError('unavailable', 'selectVersion is not implemented yet.');
  }

  async forkConversation(
    _conversationId: string,
    _messageId: string,
    _opts?: { title?: string },
  ): Promise<Conversation> {
    throw new ChatStorageError('unavailable', 'forkConversation is not implemented yet.');
  }

  async getMessagesByIds(ids: readonly string[]): Promise<(Message | undefined)[]> {
    return this.read(async () => {
      // All gets are issued at once in one transaction: one wait, not one per id.
      const store = this.db.transaction('messages', 'readonly').store;
      return Promise.all(ids.map((id) => store.get(id)));
    });
  }

  async saveConversation(input: ConversationInput, messages: MessageInput[]): Promise<void> {
    this.assertOpen();
    const inputs = checkSaveConversationArgs(input, messages);
    await this.write((scope) => this.upsertConversationWith(scope, input, inputs));
  }

  /** The import path's saveConversation for several conversations in one transaction (conversation-batch.ts). */
  async [saveConversationBatch](items: ConversationBatchItem[]): Promise<void> {
    this.assertOpen();
    const checked = items.map((item) => ({
      input: item.conversation,
      inputs: checkSaveConversationArgs(item.conversation, item.messages, item.validated),
    }));
    await this.write(async (scope) => {
      // One after the other: two conversations of a batch may name the same message id.
      for (const { input, inputs } of checked) await this.upsertConversationWith(scope, input, inputs);
    });
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

  async markRejected(
    rejects: { kind: RecordKind; id: string; hlc: string; reason: string }[],
  ): Promise<void> {
    this.assertOpen();
    await this.write(({ tx }) => sync.markRejected(tx, rejects));
  }

  async applyRemote(
    changes: ServerRecordChange[],
    cursor?: string,
  ): Promise<{ applied: number; conflicts: number }> {
    this.assertOpen();
    const valid = sync.validateRemote(changes, cursor);
    return this.write(
      (scope) => applyRemoteChanges(scope.tx, scope.changes, this.clientId, this.now, valid, cursor),
      'sync',
      // applyRemote manages its own clock: remote stamps are observed, not made.
      false,
    );
  }

  async getCursor(): Promise<string | undefined> {
    return this.read(() => this.db.get('meta', 'cursor'));
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

  // ---- internals ----------------------------------------------------------------

  /** saveConversation inside `scope`: `inputs` are already checked (checkSaveConversationArgs). */
  private async upsertConversationWith(
    scope: WriteScope,
    input: ConversationInput,
    inputs: MessageInput[],
  ): Promise<void> {
    const { tx, changes, stampMany } = scope;
    const existing = await tx.objectStore('conversations').get(input.id);
    const conversation = upsertConversation(input, existing, this.now());
    const saved = await this.putMessages(tx, conversation, inputs);
    await stampMany(
      saved.map((m) => ({ kind: 'message' as const, id: m.id, projectId: m.projectId, deleted: false })),
    );
    let touchedAt: number | undefined;
    for (const message of saved) {
      changes.message(message, false);
      touchedAt = Math.max(touchedAt ?? 0, message.updatedAt);
    }
    await tx.objectStore('conversations').put(await summarize(tx, conversation, touchedAt));
    await ensureProject(tx, conversation.projectId);
    await stampConversation(scope, conversation);
  }

  /**
   * Writes many messages of `conversation` (upserts that keep omitted fields):
   * the stored versions of those that exist are read in one go (read-back.ts),
   * then all are written without a round trip each.
   */
  private async putMessages(
    tx: WriteTx,
    conversation: Conversation,
    inputs: MessageInput[],
  ): Promise<Message[]> {
    for (const input of inputs) checkSameProject(input, conversation);
    const store = tx.objectStore('messages');
    const stored = await readBack(
      store,
      inputs.map((m) => m.id),
    );
    const now = this.now();
    const last = await store
      .index('byConversationCreated')
      .openKeyCursor(conversationRange(conversation.id), 'prev');
    let follows: string | null = last?.primaryKey ?? null;
    // The same id twice in one batch: the second upsert builds on the first.
    const built = new Map<string, Message>();
    const messages = inputs.map((input, i) => {
      const message = buildMessage(input, built.get(input.id) ?? stored[i], now, follows);
      if (!built.has(message.id) && !stored[i]) follows = message.id;
      built.set(message.id, message);
      return message;
    });
    await issueAll(messages, (m) => store.put(m));
    return messages;
  }

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
        stampMany: (records) => {
          if (!clock) throw new Error('this transaction does not stamp local writes');
          return stampLocalMany(tx, clock, records);
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

/** Stamps a local write of `conversation` and reports it. */
async function stampConversation(scope: WriteScope, conversation: Conversation): Promise<void> {
  const { id, projectId } = conversation;
  await scope.stamp({ kind: 'conversation', id, projectId, deleted: false });
  scope.changes.conversation(projectId, id, false);
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

function notFoundConversation(id: string, doing?: string): ChatStorageError {
  return new ChatStorageError(
    'not-found',
    doing
      ? `Conversation ${id} does not exist; create it with createConversation (or saveConversation) before ${doing}.`
      : `Conversation ${id} does not exist (it may have been deleted in another tab or on another device).`,
  );
}

function notFoundMessage(id: string): ChatStorageError {
  return new ChatStorageError(
    'not-found',
    `Message ${id} does not exist (it may have been deleted in another tab or on another device).`,
  );
}

function notFoundConflict(id: string): ChatStorageError {
  return new ChatStorageError(
    'not-found',
    `Conflict ${id} does not exist; it was already restored or dismissed.`,
  );
}
