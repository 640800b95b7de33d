// A full-text index of conversation titles and message text that follows
// every write to the adapter (this tab, other tabs, sync) and is kept between
// page loads, so opening the app costs a catch-up, not a rebuild.
import MiniSearch from 'minisearch';
import { ChatStorageError } from '../errors.js';
import { yieldToEventLoop } from '../export/pages.js';
import { collectTags } from '../tags/tags.js';
import type { ChatStorageAdapter, Conversation, Message, Role, StorageChange } from '../types.js';
import {
  fingerprint,
  type IndexedConversation,
  isTitleDoc,
  MINISEARCH_OPTIONS,
  messageDocId,
  messageDocument,
  type SearchDocument,
  titleDocId,
  titleDocument,
} from './documents.js';
import { checkFilters, filterPredicate, type SearchFilters } from './filters.js';
import { type MatchKind, matchQuery } from './matching.js';
import { addChange, emptyPending, isEmpty, type Pending } from './pending.js';
import type { SearchIndexStore } from './persist.js';
import { markdownToPlainText } from './plain-text.js';
import { fromSnapshot, toSnapshot } from './snapshot.js';
import { buildSnippet, type SnippetSegment } from './snippet.js';

export interface SearchIndexOptions {
  /** Where to keep the index between page loads (see `openSearchIndexStore`); without it, it lives in memory. */
  persist?: SearchIndexStore;
  /** How long writes may settle before the index is saved (default 2000 ms). */
  persistDelayMs?: number;
  /** Told about failures of background work (a failed update is retried on the next load). */
  onError?: (error: unknown) => void;
}

export interface SearchOptions extends SearchFilters {
  /** Most hits returned (default 20). */
  limit?: number;
  /** How many of the best hits to skip: the next page starts at the previous page's end (default 0). */
  offset?: number;
  /** Hits in archived conversations too (default true). */
  includeArchived?: boolean;
  /** Title hits too (default true); false returns message hits only. */
  titles?: boolean;
}

export interface SearchHit {
  conversationId: string;
  /** The conversation's project. */
  projectId: string;
  /** The conversation's current title. */
  title: string;
  /** The matching message; undefined when the title matched. */
  messageId?: string;
  role?: Role;
  /** The model that wrote the matching message, when it says. */
  model?: string;
  /** Every query word found as written, one only as the start of a longer word, or one with a typo. */
  match: MatchKind;
  /** The matched text around its matches; `highlight` segments are the matched words. */
  snippet: SnippetSegment[];
  /** The message's creation time, or the conversation's last update for a title hit. */
  time: number;
  archived: boolean;
  /** Relevance; higher is better. Hits are sorted by it. */
  score: number;
}

export interface SearchIndex {
  /** Resolves once the index has caught up with storage after opening. */
  readonly ready: Promise<void>;
  /**
   * Titles and messages of `projectId` (of every project when null) matching
   * every word of `query`, narrowed by the filters in `opts`. Hits where
   * every word is found as written come first, then those where a word is
   * the start of a longer one; only when those are few, words of five
   * letters or more without digits may be misspelled by one letter (two from
   * ten letters), and those hits come last. Waits for `ready` and for writes
   * already reported.
   */
  search(projectId: string | null, query: string, opts?: SearchOptions): Promise<SearchHit[]>;
  /** The models and tags that `projectId`'s indexed hits have (every project's when null), sorted: what filters can offer. */
  facets(projectId: string | null): Promise<{ models: string[]; tags: string[] }>;
  /** Resolves when every write reported so far is in the index. */
  flush(): Promise<void>;
  /** Drops everything and indexes all conversations again. */
  rebuild(): Promise<void>;
  /** Stops following writes and saves the index if it changed. */
  close(): Promise<void>;
}

/**
 * Opens a search index over `adapter`. Typical use in the app:
 *
 * ```ts
 * const search = createSearchIndex(adapter, { persist: await openSearchIndexStore({ dbName }) });
 * const hits = await search.search('default', 'invoice march');
 * ```
 */
export function createSearchIndex(adapter: ChatStorageAdapter, opts: SearchIndexOptions = {}): SearchIndex {
  return new LiveSearchIndex(adapter, opts);
}

const PAGE = 200;

class LiveSearchIndex implements SearchIndex {
  readonly ready: Promise<void>;
  private index = new MiniSearch<SearchDocument>(MINISEARCH_OPTIONS);
  private conversations = new Map<string, IndexedConversation>();
  /** One copy of each role and model name, shared by every document that has it. */
  private readonly strings = new Map<string, string>();
  private readonly intern = (s: string): string => {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  };
  private pending = emptyPending();
  private queue: Promise<void> = Promise.resolve();
  private drainQueued = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly adapter: ChatStorageAdapter,
    private readonly opts: SearchIndexOptions,
  ) {
    // Subscribe first: writes made while loading are applied right after it.
    this.unsubscribe = adapter.subscribe((change) => this.onChange(change));
    this.ready = this.run(() => this.load());
    this.ready.catch(() => {});
  }

  async search(projectId: string | null, query: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
    if (this.closed) throw new ChatStorageError('closed', 'This search index was closed; create a new one.');
    const limit = opts.limit ?? 20;
    const offset = opts.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ChatStorageError(
        'invalid-input',
        `search: limit must be a positive integer, got ${String(limit)}.`,
      );
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new ChatStorageError(
        'invalid-input',
        `search: offset must be a whole number of hits to skip (0 or more), got ${String(offset)}.`,
      );
    }
    checkFilters(opts);
    await this.ready;
    await this.flush();
    if (query.trim() === '') return [];
    const accepts = filterPredicate(projectId, opts.includeArchived ?? true, opts);
    const titles = opts.titles ?? true;
    const results = matchQuery(this.index, query, {
      // A title names the whole conversation: rank it above a passing mention.
      boostDocument: (docId) => (isTitleDoc(String(docId)) ? 1.5 : 1),
      filter: (r) => {
        const conversation = this.conversations.get(r.conversationId as string);
        if (!conversation || (!titles && isTitleDoc(String(r.id)))) return false;
        return accepts({
          conversation,
          role: r.role as Role | undefined,
          model: r.model as string | undefined,
          time: r.time as number,
        });
      },
    });
    const top = results.slice(offset, offset + limit);
    // The index keeps no text: read the messages shown, all in one request.
    const messageIds = top.filter((r) => !isTitleDoc(String(r.id))).map((r) => String(r.id).slice(2));
    const messages = new Map<string, Message>();
    for (const m of await this.adapter.getMessagesByIds(messageIds)) if (m) messages.set(m.id, m);
    const hits: SearchHit[] = [];
    for (const r of top) {
      const id = String(r.id);
      const conversationId = r.conversationId as string;
      const c = this.conversations.get(conversationId);
      if (!c) continue;
      const base = {
        conversationId,
        projectId: c.projectId,
        title: c.title,
        archived: c.archived,
        score: r.score,
        match: r.kind,
      };
      if (isTitleDoc(id)) {
        hits.push({ ...base, snippet: buildSnippet(c.title, r.terms), time: r.time as number });
        continue;
      }
      // Gone since the index last heard (deleted in another tab a moment ago): not a hit any more.
      const m = messages.get(id.slice(2));
      if (!m) continue;
      hits.push({
        ...base,
        messageId: m.id,
        role: m.role,
        ...(typeof m.metadata?.model === 'string' && { model: m.metadata.model }),
        snippet: buildSnippet(markdownToPlainText(m.content), r.terms),
        time: m.createdAt,
      });
    }
    return hits;
  }

  async facets(projectId: string | null): Promise<{ models: string[]; tags: string[] }> {
    if (this.closed) throw new ChatStorageError('closed', 'This search index was closed; create a new one.');
    await this.ready;
    await this.flush();
    const models = new Set<string>();
    const tagged: IndexedConversation[] = [];
    for (const c of this.conversations.values()) {
      if (projectId !== null && c.projectId !== projectId) continue;
      tagged.push(c);
      for (const id of c.messageIds) {
        const model = this.index.getStoredFields(messageDocId(id))?.model;
        if (typeof model === 'string') models.add(model);
      }
    }
    const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
    // One entry per tag whatever its case, as the sidebar's tag filter lists them.
    return { models: sorted(models), tags: collectTags(tagged).map((t) => t.tag) };
  }

  flush(): Promise<void> {
    if (this.hasPending()) this.drainNow();
    return this.queue;
  }

  rebuild(): Promise<void> {
    return this.run(async () => {
      this.index = new MiniSearch<SearchDocument>(MINISEARCH_OPTIONS);
      this.conversations = new Map();
      await this.catchUp();
      this.markDirty();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    clearTimeout(this.drainTimer);
    await this.queue.catch(() => {});
    clearTimeout(this.persistTimer);
    if (this.dirty) await this.persist();
    this.opts.persist?.close();
  }

  // ---- keeping up with writes ----------------------------------------------

  private onChange(change: StorageChange): void {
    if (this.closed) return;
    addChange(this.pending, change);
    this.scheduleDrain();
  }

  private hasPending(): boolean {
    return !isEmpty(this.pending);
  }

  /** Batches writes that come in bursts (a streaming reply) into one update. */
  private scheduleDrain(): void {
    if (this.drainQueued || this.drainTimer !== undefined) return;
    this.drainTimer = setTimeout(() => this.drainNow(), 0);
  }

  private drainNow(): void {
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    if (this.drainQueued) return;
    this.drainQueued = true;
    this.run(async () => {
      this.drainQueued = false;
      const batch = this.pending;
      this.pending = emptyPending();
      await this.applyBatch(batch);
    }).catch(() => {});
  }

  private async applyBatch(batch: Pending): Promise<void> {
    for (const id of batch.deletedConversations) this.removeConversation(id);
    for (const [messageId, conversationId] of batch.deletedMessages)
      this.removeMessage(conversationId, messageId);
    for (const conversationId of batch.conversations) {
      try {
        const conversation = await this.adapter.getConversation(conversationId);
        if (!conversation) {
          this.removeConversation(conversationId);
          continue;
        }
        const known = this.conversations.get(conversationId);
        const wanted = batch.messages.get(conversationId);
        if (!known || batch.recreated.has(conversationId) || (wanted && wanted.size > PAGE)) {
          // New to this index (created elsewhere, or missed), or rewritten in bulk (an import): index it whole.
          await this.indexConversation(conversation);
        } else {
          this.putTitle(conversation, known);
          if (wanted && wanted.size > 0) await this.indexMessages(conversation, known, wanted);
          known.fingerprint = fingerprint(conversation);
        }
      } catch (error) {
        // Forget what was indexed for it, so the next load reindexes it.
        const known = this.conversations.get(conversationId);
        if (known) known.fingerprint = '';
        this.opts.onError?.(error);
      }
    }
    this.markDirty();
  }

  /** Finds the named messages, newest pages first (where recent writes are). */
  private async indexMessages(conversation: Conversation, known: IndexedConversation, ids: Set<string>) {
    const missing = new Set(ids);
    let before: string | undefined;
    while (missing.size > 0) {
      const page = await this.adapter.getMessages(conversation.id, { limit: PAGE, before });
      for (const m of page.messages) {
        if (missing.delete(m.id)) this.putMessage(m, known);
      }
      if (!page.hasMore || !page.messages[0]) break;
      before = page.messages[0].id;
    }
    // Not found: deleted since the change was reported.
    for (const id of missing) this.removeMessage(conversation.id, id);
  }

  // ---- loading and catching up -----------------------------------------------

  private async load(): Promise<void> {
    const saved = this.opts.persist
      ? fromSnapshot(await this.opts.persist.load().catch(() => undefined), this.intern)
      : undefined;
    if (saved) {
      this.index = saved.index;
      this.conversations = saved.conversations;
    }
    if (await this.catchUp()) this.markDirty();
  }

  /** Reindexes conversations that changed since they were indexed; true when anything changed. */
  private async catchUp(): Promise<boolean> {
    const current = new Map<string, Conversation>();
    for (const projectId of await this.adapter.listProjects()) {
      for (const c of await this.adapter.listConversations(projectId, { includeArchived: true })) {
        current.set(c.id, c);
      }
    }
    let changed = false;
    for (const id of [...this.conversations.keys()]) {
      if (!current.has(id)) {
        this.removeConversation(id);
        changed = true;
      }
    }
    for (const conversation of current.values()) {
      if (this.closed) break;
      if (this.conversations.get(conversation.id)?.fingerprint === fingerprint(conversation)) continue;
      try {
        await this.indexConversation(conversation);
      } catch (error) {
        this.opts.onError?.(error);
      }
      changed = true;
      await yieldToEventLoop();
    }
    return changed;
  }

  private async indexConversation(conversation: Conversation): Promise<void> {
    const known: IndexedConversation = this.conversations.get(conversation.id) ?? {
      id: conversation.id,
      projectId: conversation.projectId,
      title: conversation.title,
      archived: conversation.archived,
      tags: conversation.tags,
      fingerprint: '',
      messageIds: new Set(),
    };
    this.conversations.set(conversation.id, known);
    this.putTitle(conversation, known);
    const messages = await this.adapter.loadConversation(conversation.id);
    const present = new Set(messages.map((m) => m.id));
    for (const id of [...known.messageIds]) if (!present.has(id)) this.removeMessage(conversation.id, id);
    for (const m of messages) this.putMessage(m, known);
    known.fingerprint = fingerprint(conversation);
  }

  // ---- index edits -----------------------------------------------------------

  private putTitle(conversation: Conversation, known: IndexedConversation): void {
    known.title = conversation.title;
    known.archived = conversation.archived;
    known.tags = conversation.tags;
    known.projectId = conversation.projectId;
    this.put(titleDocument(conversation, known.id));
  }

  private putMessage(message: Message, known: IndexedConversation): void {
    const doc = messageDocument(message, known.id, this.intern);
    if (doc) {
      this.put(doc);
      known.messageIds.add(message.id);
    } else {
      this.discard(messageDocId(message.id));
      known.messageIds.delete(message.id);
    }
  }

  private put(doc: SearchDocument): void {
    if (this.index.has(doc.id)) this.index.replace(doc);
    else this.index.add(doc);
  }

  private discard(docId: string): void {
    if (this.index.has(docId)) this.index.discard(docId);
  }

  private removeMessage(conversationId: string, messageId: string): void {
    this.discard(messageDocId(messageId));
    this.conversations.get(conversationId)?.messageIds.delete(messageId);
  }

  private removeConversation(conversationId: string): void {
    const known = this.conversations.get(conversationId);
    this.discard(titleDocId(conversationId));
    for (const id of known?.messageIds ?? []) this.discard(messageDocId(id));
    this.conversations.delete(conversationId);
  }

  // ---- persistence -----------------------------------------------------------

  private markDirty(): void {
    if (!this.opts.persist) return;
    this.dirty = true;
    if (this.closed) return;
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      this.run(() => this.persist()).catch(() => {});
    }, this.opts.persistDelayMs ?? 2000);
    (this.persistTimer as { unref?: () => void }).unref?.();
  }

  private async persist(): Promise<void> {
    if (!this.opts.persist || !this.dirty) return;
    this.dirty = false;
    try {
      await this.opts.persist.save(toSnapshot(this.index, this.conversations, Date.now()));
    } catch (error) {
      // Only a cache: the next load catches up from storage instead.
      this.opts.onError?.(error);
    }
  }

  /** Runs index work one task at a time, in order. */
  private run(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch((error) => this.opts.onError?.(error));
    return next;
  }
}
