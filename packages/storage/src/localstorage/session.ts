// One transaction of the localStorage adapter, seen as records instead of
// keys: conversations, messages, their sync metadata and the indexes that
// must change with them. Local writes and applied remote changes both go
// through here, so the indexes cannot drift from the records.
import { ChatStorageError } from '../errors.js';
import type { HlcClock } from '../hlc.js';
import { implicitProject } from '../projects.js';
import { compareMessages, withSummary } from '../records.js';
import { localWriteStatus } from '../sync/refusals.js';
import { activeBranch } from '../tree/index.js';
import type {
  Conversation,
  Message,
  Project,
  RecordKind,
  StorageChange,
  SyncConflict,
  SyncMetadata,
} from '../types.js';
import {
  type ConversationEntry,
  type Keys,
  LAYOUT_VERSION,
  type MessageIndex,
  type Outbox,
  type ProjectIndex,
  type ProjectRecords,
  recordKey,
  type StoredMeta,
  type Tombstones,
} from './layout.js';
import { corrupted, type KeyValueTx } from './transaction.js';

export interface FoundMessage {
  entry: ConversationEntry;
  conversationId: string;
  message: Message;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class Session {
  private readonly changes = new Map<string, StorageChange>();

  constructor(
    readonly tx: KeyValueTx,
    readonly keys: Keys,
    readonly clock: HlcClock,
    private readonly origin: StorageChange['origin'],
  ) {
    // Another tab may have stamped since this one last did: move past its stamps.
    const persisted = this.state().clock;
    if (persisted) clock.observe(persisted);
  }

  // ---- reading -------------------------------------------------------------

  state(): StoredMeta {
    const key = this.keys.meta;
    const meta = this.tx.get<StoredMeta>(key);
    if (meta === undefined) {
      throw new ChatStorageError(
        'unavailable',
        `The chat database "${this.keys.dbName}" was removed from localStorage while open. Reload the page to start a new one.`,
      );
    }
    if (meta.mergedInto !== undefined) {
      throw new ChatStorageError(
        'unavailable',
        'Another Chatkeep tab moved the history kept in localStorage into IndexedDB. Reload this page to keep working with all of it.',
      );
    }
    return meta;
  }

  entry(conversationId: string): ConversationEntry | undefined {
    const key = this.keys.conversation(conversationId);
    const entry = this.tx.get<ConversationEntry>(key);
    if (entry === undefined) return undefined;
    if (!isObject(entry) || !Array.isArray(entry.messages) || !isObject(entry.messageMetas)) {
      throw corrupted(key, 'does not hold a conversation');
    }
    return entry;
  }

  conversation(id: string): Conversation | undefined {
    return this.entry(id)?.conversation ?? undefined;
  }

  projectIndex(projectId: string): ProjectIndex {
    return this.object<ProjectIndex>(this.keys.project(projectId), 'a project index');
  }

  projectRecords(): ProjectRecords {
    return this.object<ProjectRecords>(this.keys.projectRecords, 'project records');
  }

  projects(): string[] {
    const key = this.keys.projects;
    const list = this.tx.get<string[]>(key) ?? [];
    if (!Array.isArray(list)) throw corrupted(key, 'does not hold a list of projects');
    return list;
  }

  messageIndex(): MessageIndex {
    return this.object<MessageIndex>(this.keys.messages, 'a message index');
  }

  tombstones(): Tombstones {
    return this.object<Tombstones>(this.keys.tombstones, 'deleted-record metadata');
  }

  outbox(): Outbox {
    return this.object<Outbox>(this.keys.outbox, 'a sync outbox');
  }

  conflicts(): SyncConflict[] {
    const key = this.keys.conflicts;
    const list = this.tx.get<SyncConflict[]>(key) ?? [];
    if (!Array.isArray(list)) throw corrupted(key, 'does not hold a list of sync conflicts');
    return list;
  }

  /** Ids of every stored conversation entry, including ones holding only early-arrived messages. */
  conversationIds(): string[] {
    const prefix = this.keys.conversationPrefix;
    return this.tx.keysWithPrefix(prefix).map((key) => key.slice(prefix.length));
  }

  findMessage(id: string): FoundMessage | undefined {
    const conversationId = this.messageIndex()[id];
    if (conversationId === undefined) return undefined;
    const entry = this.entry(conversationId);
    const message = entry?.messages.find((m) => m.id === id);
    if (!entry || !message) return undefined;
    return { entry, conversationId, message };
  }

  /** The record's metadata, live or tombstone. */
  meta(kind: RecordKind, id: string): SyncMetadata | undefined {
    if (kind === 'conversation') {
      const live = this.entry(id)?.meta;
      if (live) return live;
    } else if (kind === 'project') {
      const live = this.projectRecords()[id]?.meta;
      if (live) return live;
    } else {
      const found = this.findMessage(id);
      const live = found?.entry.messageMetas[id];
      if (live) return live;
    }
    return this.tombstones()[recordKey(kind, id)];
  }

  // ---- writing -------------------------------------------------------------

  /** Stores a record's metadata where it belongs and keeps the outbox in step. */
  setMeta(meta: SyncMetadata, conversationId: string): void {
    const key = recordKey(meta.kind, meta.id);
    const tombstones = this.tombstones();
    if (meta.deleted) {
      tombstones[key] = meta;
      this.tx.set(this.keys.tombstones, tombstones);
    } else if (meta.kind === 'project') {
      const records = this.projectRecords();
      const record = records[meta.id];
      if (!record) throw new Error(`no stored project ${meta.id} for its metadata`);
      record.meta = meta;
      this.tx.set(this.keys.projectRecords, records);
      if (key in tombstones) {
        delete tombstones[key];
        this.tx.set(this.keys.tombstones, tombstones);
      }
    } else {
      const entry = this.entry(conversationId);
      if (!entry) throw new Error(`no stored conversation ${conversationId} for the metadata of ${key}`);
      if (meta.kind === 'conversation') entry.meta = meta;
      else entry.messageMetas[meta.id] = meta;
      this.tx.set(this.keys.conversation(conversationId), entry);
      if (key in tombstones) {
        delete tombstones[key];
        this.tx.set(this.keys.tombstones, tombstones);
      }
    }
    const outbox = this.outbox();
    const waiting = meta.syncStatus === 'pending' && meta.rejected === undefined;
    if (waiting ? outbox[key] !== meta.hlc : key in outbox) {
      if (waiting) outbox[key] = meta.hlc;
      else delete outbox[key];
      this.tx.set(this.keys.outbox, outbox);
    }
  }

  /**
   * A local write's metadata: a new stamp, pending, keeping what the server
   * last acknowledged. `previous` defaults to the stored metadata; pass it when
   * the record was already removed in this transaction.
   */
  stamp(
    kind: RecordKind,
    id: string,
    projectId: string,
    deleted: boolean,
    conversationId: string,
    previous: SyncMetadata | undefined = this.meta(kind, id),
  ): string {
    const meta: SyncMetadata = {
      kind,
      id,
      projectId,
      hlc: this.clock.next(),
      deleted,
      syncStatus: localWriteStatus(previous),
    };
    if (previous?.version !== undefined) meta.version = previous.version;
    if (previous?.lastSyncedAt !== undefined) meta.lastSyncedAt = previous.lastSyncedAt;
    this.setMeta(meta, conversationId);
    return meta.hlc;
  }

  /** Writes a conversation record (with its summary) to its entry and its project's index. */
  storeConversation(conversation: Conversation): void {
    const entry = this.entry(conversation.id) ?? { conversation: null, messages: [], messageMetas: {} };
    const previous = entry.conversation;
    if (previous && previous.projectId !== conversation.projectId) {
      this.unlist(previous.projectId, previous.id);
    }
    entry.conversation = conversation;
    this.tx.set(this.keys.conversation(conversation.id), entry);
    const index = this.projectIndex(conversation.projectId);
    index[conversation.id] = conversation;
    this.tx.set(this.keys.project(conversation.projectId), index);
    const projects = this.projects();
    if (!projects.includes(conversation.projectId)) {
      this.tx.set(this.keys.projects, [...projects, conversation.projectId].sort());
    }
    this.ensureProjectRecord(conversation.projectId, conversation.createdAt);
  }

  /** Gives a project id in use a record named after it, when it has none (not stamped: see projects.ts). */
  ensureProjectRecord(projectId: string, at: number): void {
    const records = this.projectRecords();
    if (records[projectId]) return;
    records[projectId] = { project: implicitProject(projectId, at) };
    this.tx.set(this.keys.projectRecords, records);
  }

  /** Writes a project record, keeping its sync metadata, and lists its id. */
  storeProject(project: Project): void {
    const records = this.projectRecords();
    records[project.id] = { ...records[project.id], project };
    this.tx.set(this.keys.projectRecords, records);
    const projects = this.projects();
    if (!projects.includes(project.id)) this.tx.set(this.keys.projects, [...projects, project.id].sort());
  }

  /** A conversation's messages, every branch, chronological (empty when it has no entry). */
  messagesOf(conversationId: string): Message[] {
    return this.entry(conversationId)?.messages ?? [];
  }

  /** Recomputes a conversation's summary from its active branch. */
  refreshSummary(conversationId: string, touchedAt?: number): Conversation | undefined {
    const entry = this.entry(conversationId);
    if (!entry?.conversation) return undefined;
    const branch = activeBranch(entry.messages, entry.conversation.activeLeafId).messages;
    const next = withSummary(entry.conversation, branch.at(-1), branch.length, touchedAt);
    this.storeConversation(next);
    return next;
  }

  /** Writes a message into its conversation's entry (made if missing: messages may arrive first). */
  storeMessage(message: Message): void {
    const index = this.messageIndex();
    const previousConversation = index[message.id];
    if (previousConversation !== undefined && previousConversation !== message.conversationId) {
      this.dropMessage(message.id);
    }
    const key = this.keys.conversation(message.conversationId);
    const entry = this.entry(message.conversationId) ?? {
      conversation: null,
      messages: [],
      messageMetas: {},
    };
    const messages = entry.messages.filter((m) => m.id !== message.id);
    let at = messages.length;
    while (at > 0 && compareMessages(messages[at - 1]!, message) > 0) at -= 1;
    messages.splice(at, 0, message);
    entry.messages = messages;
    this.tx.set(key, entry);
    if (index[message.id] !== message.conversationId) {
      index[message.id] = message.conversationId;
      this.tx.set(this.keys.messages, index);
    }
  }

  /** Removes a message and its live metadata from its entry; returns what was there. */
  dropMessage(id: string): (FoundMessage & { meta: SyncMetadata | undefined }) | undefined {
    const found = this.findMessage(id);
    if (!found) return undefined;
    const { entry, conversationId } = found;
    const meta = entry.messageMetas[id];
    entry.messages = entry.messages.filter((m) => m.id !== id);
    delete entry.messageMetas[id];
    this.putEntry(conversationId, entry);
    const index = this.messageIndex();
    delete index[id];
    this.tx.set(this.keys.messages, index);
    const outbox = this.outbox();
    if (recordKey('message', id) in outbox) {
      delete outbox[recordKey('message', id)];
      this.tx.set(this.keys.outbox, outbox);
    }
    return { ...found, meta };
  }

  /** Removes a conversation's entry with all its messages; returns what was there. */
  dropConversation(id: string): ConversationEntry | undefined {
    const entry = this.entry(id);
    if (!entry) return undefined;
    this.tx.delete(this.keys.conversation(id));
    if (entry.conversation) this.unlist(entry.conversation.projectId, id);
    if (entry.messages.length > 0) {
      const index = this.messageIndex();
      for (const m of entry.messages) delete index[m.id];
      this.tx.set(this.keys.messages, index);
    }
    const outbox = this.outbox();
    let outboxChanged = false;
    for (const key of [
      recordKey('conversation', id),
      ...entry.messages.map((m) => recordKey('message', m.id)),
    ]) {
      if (key in outbox) {
        delete outbox[key];
        outboxChanged = true;
      }
    }
    if (outboxChanged) this.tx.set(this.keys.outbox, outbox);
    return entry;
  }

  /** Removes a project from the project list (its conversations must be gone already). */
  forgetProject(projectId: string): void {
    this.tx.delete(this.keys.project(projectId));
    const records = this.projectRecords();
    if (records[projectId]) {
      delete records[projectId];
      this.tx.set(this.keys.projectRecords, records);
    }
    const outbox = this.outbox();
    if (recordKey('project', projectId) in outbox) {
      delete outbox[recordKey('project', projectId)];
      this.tx.set(this.keys.outbox, outbox);
    }
    const projects = this.projects();
    if (projects.includes(projectId)) {
      this.tx.set(
        this.keys.projects,
        projects.filter((p) => p !== projectId),
      );
    }
  }

  addConflict(conflict: SyncConflict): void {
    this.tx.set(this.keys.conflicts, [...this.conflicts(), conflict]);
  }

  setBootstrap(text: string | undefined): void {
    const state = { ...this.state() };
    if (text === undefined) delete state.bootstrap;
    else state.bootstrap = text;
    this.tx.set(this.keys.meta, state);
  }

  /** The quarantine reports live under a key of their own, so that syncing never rewrites them. */
  setQuarantined(text: string | undefined): void {
    if (text === undefined) this.tx.delete(this.keys.quarantine);
    else this.tx.set(this.keys.quarantine, text);
  }

  setCursor(cursor: string | undefined): void {
    const state = { ...this.state() };
    if (cursor === undefined) delete state.cursor;
    else state.cursor = cursor;
    this.tx.set(this.keys.meta, state);
  }

  // ---- change reports ------------------------------------------------------

  noteConversation(projectId: string, id: string, deleted: boolean): void {
    const change = this.changeFor(projectId);
    const at = change.conversations.findIndex((c) => c.id === id);
    if (at >= 0) change.conversations[at] = { id, deleted };
    else change.conversations.push({ id, deleted });
  }

  noteProject(id: string, deleted: boolean): void {
    const change = this.changeFor(id);
    change.projects ??= [];
    const at = change.projects.findIndex((p) => p.id === id);
    if (at >= 0) change.projects[at] = { id, deleted };
    else change.projects.push({ id, deleted });
  }

  noteMessage(projectId: string, id: string, conversationId: string, deleted: boolean): void {
    const change = this.changeFor(projectId);
    const at = change.messages.findIndex((m) => m.id === id);
    if (at >= 0) change.messages[at] = { id, conversationId, deleted };
    else change.messages.push({ id, conversationId, deleted });
  }

  /** Persists the clock with the rest and commits; returns the changes to announce. */
  commit(): StorageChange[] {
    const last = this.clock.last;
    if (last !== undefined && last !== this.state().clock) {
      this.tx.set(this.keys.meta, { ...this.state(), layout: LAYOUT_VERSION, clock: last });
    }
    this.tx.commit();
    return [...this.changes.values()];
  }

  // ---- helpers -------------------------------------------------------------

  private putEntry(conversationId: string, entry: ConversationEntry): void {
    const empty = !entry.conversation && entry.messages.length === 0 && !entry.meta;
    this.tx.set(this.keys.conversation(conversationId), empty ? undefined : entry);
  }

  private unlist(projectId: string, conversationId: string): void {
    const index = this.projectIndex(projectId);
    if (!(conversationId in index)) return;
    delete index[conversationId];
    this.tx.set(this.keys.project(projectId), Object.keys(index).length > 0 ? index : undefined);
  }

  private object<T extends object>(key: string, what: string): T {
    const value = this.tx.get<T>(key) ?? ({} as T);
    if (!isObject(value)) throw corrupted(key, `does not hold ${what}`);
    return value;
  }

  private changeFor(projectId: string): StorageChange {
    let change = this.changes.get(projectId);
    if (!change) {
      change = { origin: this.origin, projectId, conversations: [], messages: [] };
      this.changes.set(projectId, change);
    }
    return change;
  }
}
