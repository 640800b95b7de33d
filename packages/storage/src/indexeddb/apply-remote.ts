// The pull side of SyncSource: applying a page of remote changes in one
// transaction, last write wins by stamp, losing local edits kept as conflicts.
import { unwrap } from 'idb';
import { createHlcClock } from '../hlc.js';
import { implicitProject } from '../projects.js';
import { syncedPart, withSummary } from '../records.js';
import { conflictOf, losesLocalEdit, remoteWins } from '../sync/conflicts.js';
import type {
  Conversation,
  Message,
  Project,
  RecordData,
  RecordKind,
  ServerRecordChange,
  SyncedConversation,
} from '../types.js';
import { childrenRange, chronologicalKey, settle } from './branch.js';
import { BulkRequests, readSyncEntries } from './bulk.js';
import { removeConversation } from './remove.js';
import type { StoredSyncMetadata } from './schema.js';
import {
  type ChangeSet,
  conversationRange,
  projectRange,
  refreshSummary,
  saveClock,
  syncedMeta,
  type WriteTx,
} from './tx.js';

/** Records applied between two moments the main thread is given back (BulkRequests.breathe). */
const BREATHE = 200;

export async function applyRemoteChanges(
  tx: WriteTx,
  changes: ChangeSet,
  clientId: string,
  now: () => number,
  remote: ServerRecordChange[],
  cursor: string | undefined,
): Promise<{ applied: number; conflicts: number }> {
  const bulk = new BulkRequests(tx);
  try {
    return await applyPage(tx, bulk, changes, clientId, now, remote, cursor);
  } catch (error) {
    return bulk.rethrow(error);
  }
}

async function applyPage(
  tx: WriteTx,
  bulk: BulkRequests,
  changes: ChangeSet,
  clientId: string,
  now: () => number,
  remote: ServerRecordChange[],
  cursor: string | undefined,
): Promise<{ applied: number; conflicts: number }> {
  const at = now();
  const metas = tx.objectStore('sync_metadata');
  // Per page, not per record: a conversation's summary is recomputed once at
  // the end (a count over its messages), and each project and conversation
  // state is read once. Per record, a first sync of a long conversation was quadratic.
  //
  // Everything the page needs to read is requested at once, before its first
  // write: a read issued after writes waits until the transaction has run
  // them all, and the page would stall at each one.
  const [prefetch, last] = await Promise.all([
    prefetchPage(tx, bulk, remote),
    tx.objectStore('meta').get('clock'),
  ]);
  const clock = createHlcClock({ clientId, now, last });
  const page: PageState = {
    touched: new Map(),
    projects: prefetch.projects,
    deletedConversations: new Map(),
    conversationMetas: prefetch.conversationMetas,
    held: prefetch.held,
    exact: true,
    bulk,
  };
  const prefetched = prefetch.metas;
  const written = new Map<string, StoredSyncMetadata>();
  let prefetchValid = true;
  let applied = 0;
  let conflicts = 0;
  const putMeta = (meta: StoredSyncMetadata) => {
    written.set(`${meta.kind}\u0000${meta.id}`, meta);
    bulk.put('sync_metadata', meta);
  };

  const keepConflict = async (
    kind: RecordKind,
    recordId: string,
    local: StoredSyncMetadata,
    mine: RecordData | null,
    remoteHlc: string,
  ) => {
    await tx.objectStore('conflicts').put(conflictOf(kind, recordId, local, mine, remoteHlc, at));
    conflicts++;
  };

  for (const [i, r] of remote.entries()) {
    // A large page is not one long task: the main thread is given back every BREATHE records.
    if (i > 0 && i % BREATHE === 0) await bulk.breathe();
    clock.observe(r.hlc);
    const local =
      written.get(`${r.kind}\u0000${r.id}`) ??
      (prefetchValid ? prefetched[i] : await metas.get([r.kind, r.id]));
    if (local && !remoteWins(local, r)) {
      // Local is newer or the same write: nothing to apply. The same stamp means the server has it.
      if (local.hlc === r.hlc) putMeta(syncedMeta(local, local, r.hlc, r.version, at));
      continue;
    }
    if (r.kind === 'message' && !r.deleted) {
      const conversationId = (r.data as Message).conversationId;
      // A message of a conversation deleted here would come back without a home: the delete wins.
      if (conversationDeleted(page, conversationId)) continue;
    }
    // A delete or a changed message makes the prefetched summaries stale:
    // from here on, this page reads them afresh.
    if (r.deleted || (local && r.kind === 'message')) page.exact = false;
    // A project's name is last write wins without a kept conflict: a rename is one word, not history.
    if (r.kind !== 'project' && (local?.syncStatus === 'pending' || local?.syncStatus === 'local-only')) {
      const mine = await currentData(tx, local);
      if (losesLocalEdit(r.kind, local, mine, r.data)) await keepConflict(r.kind, r.id, local, mine, r.hlc);
    }
    await applyOne(tx, changes, page, r, async (message, meta) => {
      if (losesLocalEdit('message', meta, message, null)) {
        await keepConflict('message', message.id, meta, message, r.hlc);
      }
    });
    if (r.kind === 'conversation' && r.deleted) {
      prefetchValid = false;
      written.clear();
    }
    putMeta(syncedMeta(undefined, r, r.hlc, r.version, at));
    applied++;
  }
  await bulk.flush();
  // A conversation the page only lengthened (as a download does) gets its
  // summary from what was read before the first write; any other is read
  // afresh after the writes, which costs the transaction an undo log (bulk.ts).
  const reread: [string, number | undefined][] = [];
  for (const [conversationId, touchedAt] of page.touched) {
    const extended = page.exact ? prefetch.extended.get(conversationId) : undefined;
    if (extended) {
      const { conversation, leaf, count } = extended;
      bulk.put('conversations', withSummary(conversation, leaf, count, touchedAt));
    } else reread.push([conversationId, touchedAt]);
  }
  await bulk.flush();
  // Independent conversations: their reads and writes are issued together.
  await Promise.all(
    reread.map(([conversationId, touchedAt]) => refreshSummary(tx, conversationId, touchedAt)),
  );
  await saveClock(tx, clock);
  if (cursor !== undefined) await tx.objectStore('meta').put(cursor, 'cursor');
  return { applied, conflicts };
}

/** A conversation as it was before the page. */
interface HeldConversation {
  conversation: Conversation | undefined;
}

interface Prefetch {
  /** The sync entry of each change, by position. */
  metas: (StoredSyncMetadata | undefined)[];
  /** Entries of the conversations the page's messages belong to. */
  conversationMetas: Map<string, StoredSyncMetadata | undefined>;
  /** For each conversation the page puts. */
  held: Map<string, HeldConversation>;
  /** Projects of the page that exist here. */
  projects: Set<string>;
  /** Conversations the page only lengthens, with their summary once it is written (see extensions). */
  extended: Map<string, Extension>;
}

/**
 * A conversation whose stored messages are one branch from its first
 * message, and whose new messages in the page continue that branch at its
 * end, one after the other: its newest leaf is the last new message, and
 * its branch is every message. What a download writes, almost always.
 */
interface Extension {
  /** As stored before the page. */
  conversation: Conversation;
  leaf: Message;
  count: number;
}

/** The page's messages of one conversation as one line, each the parent of the next: its first and last. */
function lineOf(messages: Message[]): { first: Message; last: Message } | undefined {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const childOf = new Map<string, Message>();
  for (const m of messages) {
    if (m.parentId === undefined) return undefined;
    if (m.parentId !== null) {
      if (childOf.has(m.parentId)) return undefined;
      childOf.set(m.parentId, m);
    }
  }
  if (byId.size !== messages.length) return undefined;
  const starts = messages.filter((m) => m.parentId === null || !byId.has(m.parentId));
  if (starts.length !== 1) return undefined;
  const first = starts[0]!;
  let last = first;
  let length = 1;
  for (let next = childOf.get(last.id); next; next = childOf.get(last.id)) {
    last = next;
    length++;
  }
  return length === messages.length ? { first, last } : undefined;
}

/**
 * The conversations the page only lengthens (see Extension), found with a
 * few reads each, all before the page's first write: how many messages are
 * stored, the oldest one's parent (null: the stored branch starts at the
 * first message), and whether the message the new ones hang from is stored
 * without a child (then it is the stored branch's end).
 */
async function extensions(
  tx: WriteTx,
  remote: ServerRecordChange[],
  putConversations: Set<string>,
): Promise<Map<string, Extension & { positions: number[] }>> {
  const raw = unwrap(tx);
  const messages = raw.objectStore('messages');
  const chronological = messages.index('byConversationCreated');
  const byParent = messages.index('byParent');
  const conversations = raw.objectStore('conversations');
  // The caller keeps only those whose messages have no sync entry here (read at the same time as these).
  const added = new Map<string, { list: Message[]; positions: number[] }>();
  for (const [i, r] of remote.entries()) {
    if (r.kind !== 'message' || r.deleted) continue;
    const message = r.data as Message;
    const entry = added.get(message.conversationId) ?? { list: [], positions: [] };
    entry.list.push(message);
    entry.positions.push(i);
    added.set(message.conversationId, entry);
  }
  const found = new Map<string, Extension & { positions: number[] }>();
  await Promise.all(
    [...added].map(async ([conversationId, { list, positions }]) => {
      if (putConversations.has(conversationId)) return;
      const line = lineOf(list);
      if (!line) return;
      const range = conversationRange(conversationId);
      const parentId = line.first.parentId ?? null;
      const [conversation, stored, oldest, parentKey, parentChildren] = await Promise.all([
        settle(conversations.get(conversationId) as IDBRequest<Conversation | undefined>),
        settle(chronological.count(range)),
        settle(chronological.getAll(range, 1) as IDBRequest<Message[]>),
        parentId === null ? undefined : settle(messages.getKey(parentId)),
        parentId === null ? [] : settle(byParent.getAllKeys(childrenRange(parentId), 1)),
      ]);
      if (!conversation || conversation.activeLeafId !== undefined) return;
      const continues =
        stored === 0
          ? parentId === null
          : parentId !== null &&
            stored === conversation.messageCount &&
            oldest[0]?.parentId === null &&
            parentKey !== undefined &&
            parentChildren.length === 0;
      if (continues) {
        found.set(conversationId, { conversation, leaf: line.last, count: stored + list.length, positions });
      }
    }),
  );
  return found;
}

async function prefetchPage(
  tx: WriteTx,
  bulk: BulkRequests,
  remote: ServerRecordChange[],
): Promise<Prefetch> {
  const conversations = tx.objectStore('conversations');
  const conversationIds = new Set<string>();
  const putConversations = new Set<string>();
  const projectIds = new Set<string>();
  for (const r of remote) {
    if (r.deleted) continue;
    projectIds.add(r.projectId);
    if (r.kind === 'message') conversationIds.add((r.data as Message).conversationId);
    else if (r.kind === 'conversation') putConversations.add(r.id);
  }
  const held = async (id: string): Promise<[string, HeldConversation]> => [
    id,
    { conversation: await conversations.get(id) },
  ];
  const conversationKeys = [...conversationIds];
  const projectKeys = [...projectIds];
  const [entries, lengthened, conversationEntries, heldEntries, projects] = await Promise.all([
    // On a first sync none of them exists here, and nothing is read (read-back.ts).
    readSyncEntries(
      tx,
      bulk,
      remote.map((r): [RecordKind, string] => [r.kind, r.id]),
    ),
    extensions(tx, remote, putConversations),
    bulk.getMany(
      'sync_metadata',
      conversationKeys.map((id) => ['conversation', id]),
    ),
    Promise.all([...putConversations].map(held)),
    bulk.getMany('projects', projectKeys),
  ]);
  return {
    metas: entries,
    conversationMetas: new Map(conversationKeys.map((id, i) => [id, conversationEntries[i]])),
    held: new Map(heldEntries),
    projects: new Set(projectKeys.filter((_, i) => projects[i] !== undefined)),
    // Only messages new here: one stored already (it has a sync entry) may change a branch.
    extended: new Map(
      [...lengthened]
        .filter(([, e]) => e.positions.every((i) => entries[i] === undefined))
        .map(([id, { conversation, leaf, count }]) => [id, { conversation, leaf, count }]),
    ),
  };
}

/** What one page of remote changes remembers while it is applied. */
interface PageState {
  /** Conversations whose summary must be recomputed, with the newest message time seen. */
  touched: Map<string, number | undefined>;
  /** Projects known to exist. */
  projects: Set<string>;
  /** Whether a conversation is deleted here, as applied in this page. */
  deletedConversations: Map<string, boolean>;
  /** Conversation entries as they were before the page. */
  conversationMetas: Map<string, StoredSyncMetadata | undefined>;
  /** Conversations the page puts, as they were before it (used once: a second put reads afresh). */
  held: Map<string, HeldConversation>;
  /** True while the page only added new messages and put conversations, so `held` is still what is stored. */
  exact: boolean;
  /** Writes are queued without waiting (the transaction runs them in order) and flushed before the page ends. */
  bulk: BulkRequests;
}

function touch(page: PageState, conversationId: string, at?: number): void {
  const known = page.touched.get(conversationId);
  page.touched.set(conversationId, at === undefined ? known : Math.max(known ?? 0, at));
}

function conversationDeleted(page: PageState, conversationId: string): boolean {
  // A conversation change of this page wins over the entry read before it.
  return (
    page.deletedConversations.get(conversationId) ??
    page.conversationMetas.get(conversationId)?.deleted ??
    false
  );
}

function ensureProject(page: PageState, projectId: string, at: number): void {
  if (page.projects.has(projectId)) return;
  page.bulk.put('projects', implicitProject(projectId, at));
  page.projects.add(projectId);
}

/** The local version a pending meta describes: null for a local delete. */
async function currentData(tx: WriteTx, meta: StoredSyncMetadata): Promise<RecordData | null> {
  if (meta.deleted) return null;
  if (meta.kind === 'conversation') {
    const conversation = await tx.objectStore('conversations').get(meta.id);
    return conversation ? syncedPart(conversation) : null;
  }
  return (await tx.objectStore('messages').get(meta.id)) ?? null;
}

/** The stored conversation, from what was read before the page when that is still true. */
function heldNow(page: PageState, id: string): HeldConversation | undefined {
  const before = page.held.get(id);
  if (!page.exact || !before) return undefined;
  page.held.delete(id);
  return before;
}

/**
 * A message from a device that does not know trees yet comes without
 * parentId: it follows the message before it in time, as the schema
 * upgrade placed every earlier message.
 */
async function withParent(tx: WriteTx, message: Message): Promise<Message> {
  if (message.parentId !== undefined) return message;
  const before = await tx
    .objectStore('messages')
    .index('byConversationCreated')
    .openKeyCursor(
      IDBKeyRange.bound([message.conversationId], chronologicalKey(message), false, true),
      'prev',
    );
  return { ...message, parentId: before ? before.primaryKey : null };
}

async function applyOne(
  tx: WriteTx,
  changes: ChangeSet,
  page: PageState,
  r: ServerRecordChange,
  onLostMessage: (message: Message, meta: StoredSyncMetadata) => Promise<void>,
): Promise<void> {
  if (r.kind === 'project') {
    await applyProject(tx, changes, page, r);
    return;
  }
  if (r.kind === 'conversation') {
    page.deletedConversations.set(r.id, r.deleted);
    if (r.deleted) {
      await removeConversation(tx, { id: r.id, projectId: r.projectId }, r.hlc, changes, onLostMessage);
      page.touched.delete(r.id);
      return;
    }
    // Summaries are derived from whatever messages already arrived, once the page is in (its active leaf may have moved).
    const data = r.data as SyncedConversation;
    const known = heldNow(page, data.id);
    // updatedAt only moves forward: local message writes may already have moved it past the remote value.
    const held = known ? known.conversation : await tx.objectStore('conversations').get(data.id);
    const stored: Conversation = {
      ...data,
      updatedAt: Math.max(data.updatedAt, held?.updatedAt ?? 0),
      messageCount: held?.messageCount ?? 0,
    };
    if (held?.lastMessage !== undefined) stored.lastMessage = held.lastMessage;
    page.bulk.put('conversations', stored);
    // Moved on another device: the list it left changes too.
    if (held && held.projectId !== data.projectId) changes.conversation(held.projectId, data.id, false);
    touch(page, data.id);
    ensureProject(page, data.projectId, data.createdAt);
    changes.conversation(data.projectId, data.id, false);
    return;
  }
  if (r.deleted) {
    const existing = await tx.objectStore('messages').get(r.id);
    if (existing) {
      await tx.objectStore('messages').delete(r.id);
      touch(page, existing.conversationId);
      changes.message(existing, true);
    }
    return;
  }
  const message = await withParent(tx, r.data as Message);
  page.bulk.put('messages', message);
  ensureProject(page, message.projectId, message.createdAt);
  touch(page, message.conversationId, message.updatedAt);
  changes.message(message, false);
}

/**
 * A project record from another device: its name, or its deletion. The
 * deleting device sent its conversations' deletes or moves as their own
 * changes; a conversation it did not know of (made here meanwhile) keeps
 * the project alive here, so the record stays while any remains.
 */
async function applyProject(
  tx: WriteTx,
  changes: ChangeSet,
  page: PageState,
  r: ServerRecordChange,
): Promise<void> {
  // Requests run in order: the count sees the conversations this page already moved or deleted.
  if (r.deleted) {
    const left = await tx.objectStore('conversations').index('byProjectUpdated').count(projectRange(r.id));
    if (left > 0) return;
    await tx.objectStore('projects').delete(r.id);
    page.projects.delete(r.id);
    changes.project(r.id, true);
    return;
  }
  await tx.objectStore('projects').put(r.data as Project);
  page.projects.add(r.id);
  changes.project(r.id, false);
}
