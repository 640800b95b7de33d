// Writes that place messages in a conversation's tree and move its active
// leaf, each inside the caller's one transaction with its sync entries.
// The summary (messageCount, lastMessage) always describes the active
// branch; see `showingLeaf` for when activeLeafId is stored.
import { unwrap } from 'idb';
import { ChatStorageError } from '../errors.js';
import { newId } from '../ids.js';
import {
  buildMessage,
  checkSameProject,
  compareMessages,
  newConversation,
  upsertConversation,
  withSummary,
} from '../records.js';
import { previewOf } from '../schema.js';
import {
  branchTo,
  leafAfterDelete,
  newestLeafUnder,
  resolveActiveLeaf,
  subtreeIds,
} from '../tree/branches.js';
import { checkNoCycles, checkParent } from '../tree/validate.js';
import type { Conversation, ConversationInput, Message, MessageInput, RecordKind } from '../types.js';
import { BranchReader } from './branch.js';
import { readBack } from './read-back.js';
import {
  conversationRange,
  ensureProject,
  issueAll,
  putAll,
  showingLeaf,
  summarize,
  type WriteScope,
  type WriteTx,
} from './tx.js';

export function notFoundConversation(id: string, doing?: string): ChatStorageError {
  return new ChatStorageError(
    'not-found',
    doing
      ? `Conversation ${id} does not exist; create it with createConversation (or saveConversation) before ${doing}.`
      : `Conversation ${id} does not exist (it may have been deleted in another tab or on another device).`,
  );
}

export function notFoundMessage(id: string, conversationId?: string): ChatStorageError {
  return new ChatStorageError(
    'not-found',
    conversationId
      ? `Message ${id} is not in conversation ${conversationId}; pass the id of one of its messages.`
      : `Message ${id} does not exist (it may have been deleted in another tab or on another device).`,
  );
}

/** Stamps a local write of `conversation` and reports it. */
export async function stampConversation(scope: WriteScope, conversation: Conversation): Promise<void> {
  const { id, projectId } = conversation;
  await scope.stamp({ kind: 'conversation', id, projectId, deleted: false });
  scope.changes.conversation(projectId, id, false);
}

/** Stores the conversation; a change of its active leaf is a change that syncs, so it is stamped. */
async function putConversation(scope: WriteScope, before: Conversation, after: Conversation): Promise<void> {
  const writes: Promise<unknown>[] = [scope.tx.objectStore('conversations').put(after)];
  if (before.activeLeafId !== after.activeLeafId) writes.push(stampConversation(scope, after));
  else scope.changes.conversation(after.projectId, after.id, false);
  await Promise.all(writes);
}

/** saveMessage: upserts one message, placing a new one in the tree. `input` is validated. */
export async function saveOne(scope: WriteScope, input: MessageInput, now: number): Promise<Message> {
  const { tx, changes, stamp } = scope;
  const messages = tx.objectStore('messages');
  const namedParent = typeof input.parentId === 'string' ? input.parentId : undefined;
  // Requests that do not depend on each other are issued together: every
  // await is a round trip to the browser's storage thread.
  const reader = new BranchReader(unwrap(tx), input.conversationId);
  const [conversation, existing, newestId] = await Promise.all([
    tx.objectStore('conversations').get(input.conversationId),
    messages.get(input.id),
    reader.newestId(),
  ]);
  if (!conversation) throw notFoundConversation(input.conversationId, 'saving messages to it');
  checkSameProject(input, conversation);
  const stamped = stamp({ kind: 'message', id: input.id, projectId: input.projectId, deleted: false });
  stamped.catch(() => undefined);

  if (existing) {
    // A re-save keeps its place in the tree (buildMessage refuses a new parentId).
    const message = buildMessage(input, existing, now);
    const [summary] = await Promise.all([
      afterEditInPlace(reader, conversation, message, reader.isNewestLeaf(message)),
      messages.put(message),
      stamped,
    ]);
    await tx.objectStore('conversations').put(summary);
    changes.message(message, false);
    changes.conversation(conversation.projectId, conversation.id, false);
    return message;
  }

  const [leaf, parent] = await Promise.all([
    reader.activeLeaf(conversation),
    namedParent === undefined ? undefined : reader.get(namedParent),
  ]);
  const parentId = input.parentId !== undefined ? input.parentId : (leaf?.id ?? null);
  if (namedParent !== undefined && !parent) {
    // A version of a message still waiting for its parent (not synced yet) is its sibling.
    const awaited = (await reader.children(namedParent)).some(
      (m) => m.conversationId === input.conversationId,
    );
    // Else not in this conversation: read it anyway, to say where it is.
    if (!awaited) checkParent({ ...input, parentId }, await messages.get(namedParent));
  } else if (namedParent !== undefined) {
    checkParent({ ...input, parentId }, parent);
  }
  const message = buildMessage(input, undefined, now, parentId);
  const put = messages.put(message);
  put.catch(() => undefined);
  const isNewest =
    newestId === undefined || compareMessages(message, (await reader.get(newestId)) ?? message) >= 0;

  let next: Conversation;
  if (parentId !== null && parentId === leaf?.id) {
    // A plain append: the branch grows by one.
    next = showingLeaf(
      conversation,
      message,
      conversation.messageCount + 1,
      isNewest ? message.id : undefined,
      now,
    );
  } else if ((await isNewestVersion(reader, message)) && (await onBranch(reader, leaf, parentId))) {
    // A new version (edit, regenerate): the branch now ends at it.
    const above = parentId === null ? undefined : (parent ?? (await reader.get(parentId)));
    const count = await branchLength(reader, conversation, leaf, above);
    next = showingLeaf(conversation, message, count + 1, isNewest ? message.id : undefined, now);
  } else {
    // An older version saved late (an import, a restore), or one off the branch shown: that branch stays.
    next = { ...conversation, updatedAt: Math.max(conversation.updatedAt, message.updatedAt) };
    // Shown as the newest leaf (no activeLeafId, or one that is gone): a newer message would take
    // that place, so the leaf shown is named. Newer as src/tree orders leaves: time, then id.
    if (leaf && conversation.activeLeafId !== leaf.id && compareMessages(message, leaf) > 0) {
      next.activeLeafId = leaf.id;
    }
  }
  // The message, its sync entry and the conversation are written in one round.
  await Promise.all([put, stamped, putConversation(scope, conversation, next)]);
  changes.message(message, false);
  return message;
}

/**
 * Whether `id` is on the branch ending at `leaf` (null, a first message's
 * parent, always is). A message saved under a parent off the branch shown
 * (an answer still streaming in a version the user left) does not take the
 * view there. Usually the parent is a few steps above the leaf.
 */
async function onBranch(
  reader: BranchReader,
  leaf: Message | undefined,
  id: string | null,
): Promise<boolean> {
  if (id === null || !leaf) return true;
  const seen = new Set<string>();
  for (let at: Message | null | undefined = leaf; at && !seen.has(at.id); at = await reader.parentOf(at)) {
    // The parent the branch waits for (not synced yet) counts as on it.
    if (at.id === id || at.parentId === id) return true;
    seen.add(at.id);
  }
  return false;
}

/** Whether `message` (not yet stored) is the newest of its siblings. */
async function isNewestVersion(reader: BranchReader, message: Message): Promise<boolean> {
  const siblings =
    message.parentId === null
      ? (await reader.from(message)).filter((m) => m.parentId === null)
      : await reader.children(message.parentId);
  return siblings.every((m) => m.id === message.id || compareMessages(m, message) < 0);
}

/**
 * How many messages the branch ending at `to` holds, from the stored count
 * of the branch ending at `from` when they meet (only their differing ends
 * are read), else by walking `to`'s branch.
 */
async function branchLength(
  reader: BranchReader,
  conversation: Conversation,
  from: Message | undefined,
  to: Message | undefined,
): Promise<number> {
  if (!to) return 0;
  if (from) {
    const change = await reader.lengthChange(from, to);
    if (change !== undefined) return conversation.messageCount + change;
  }
  return (await reader.walkUp(to)).messages.length;
}

/**
 * The summary after `message`, already stored, changed in place (same
 * parent, same time): the branch is the same, so only the preview can
 * change, and only when `message` is the leaf shown. That leaf is the
 * activeLeafId or else the newest leaf, which is not the newest message
 * when a reply is older than what it answers (clocks, imports).
 */
async function afterEditInPlace(
  reader: BranchReader,
  conversation: Conversation,
  message: Message,
  isNewestLeaf: Promise<boolean>,
): Promise<Conversation> {
  const next = { ...conversation, updatedAt: Math.max(conversation.updatedAt, message.updatedAt) };
  const active = conversation.activeLeafId;
  // As BranchReader.activeLeaf decides, without waiting on the newest leaf when activeLeafId names `message`.
  const shown =
    active === message.id ||
    ((active === undefined || !(await reader.exists(active))) && (await isNewestLeaf));
  if (shown) next.lastMessage = previewOf(message.content);
  return next;
}

/** updateMessage: a stored message changes in place; its parent never does. */
export async function updateOne(scope: WriteScope, existing: Message, message: Message): Promise<Message> {
  const { tx, changes, stamp } = scope;
  const reader = new BranchReader(unwrap(tx), message.conversationId);
  // Read alongside the conversation (a streamed chunk is a hot path); used only when no activeLeafId decides.
  const isNewestLeaf = reader.isNewestLeaf(message);
  isNewestLeaf.catch(() => undefined);
  const [, , conversation] = await Promise.all([
    tx.objectStore('messages').put(message),
    stamp({ kind: 'message', id: message.id, projectId: message.projectId, deleted: false }),
    tx.objectStore('conversations').get(message.conversationId),
  ]);
  if (conversation) {
    // Moved in time: which leaf is the newest, and so shown, may have changed.
    const next =
      message.createdAt !== existing.createdAt && conversation.activeLeafId === undefined
        ? await summarize(tx, conversation, message.updatedAt)
        : await afterEditInPlace(reader, conversation, message, isNewestLeaf);
    await tx.objectStore('conversations').put(next);
    changes.conversation(conversation.projectId, conversation.id, false);
  }
  changes.message(message, false);
  return message;
}

/** A conversation and one of its messages, both required, with a reader of its branches. */
async function messageOf(tx: WriteTx, conversationId: string, messageId: string) {
  const reader = new BranchReader(unwrap(tx), conversationId);
  const [conversation, message] = await Promise.all([
    tx.objectStore('conversations').get(conversationId),
    reader.get(messageId),
  ]);
  if (!conversation) throw notFoundConversation(conversationId);
  if (!message) throw notFoundMessage(messageId, conversationId);
  return { reader, conversation, message };
}

/** selectVersion: the branch through `messageId` is shown, down to its newest leaf. */
export async function selectVersion(
  scope: WriteScope,
  conversationId: string,
  messageId: string,
): Promise<Conversation> {
  const { reader, conversation, message } = await messageOf(scope.tx, conversationId, messageId);
  const leaf = await reader.activeLeaf(conversation);
  const chosen = await reader.newestLeafUnder(message);
  if (conversation.activeLeafId === chosen.id) return conversation;
  const count = await branchLength(reader, conversation, leaf, chosen);
  // A choice the user made is kept as made, even when it is the newest leaf today.
  const next = { ...withSummary(conversation, chosen, count), activeLeafId: chosen.id };
  await putConversation(scope, conversation, next);
  return next;
}

/** forkConversation: the branch down to `messageId`, copied with new ids into a new conversation. */
export async function forkConversation(
  scope: WriteScope,
  conversationId: string,
  messageId: string,
  title: string | undefined,
  now: number,
): Promise<Conversation> {
  const { tx, changes, stampMany } = scope;
  const { reader, conversation: source, message } = await messageOf(tx, conversationId, messageId);
  const path = (await reader.walkUp(message)).messages.reverse();
  const fork: Conversation = {
    ...newConversation({ projectId: source.projectId, title: title ?? source.title }, now),
    forkedFrom: { conversationId, messageId },
  };
  const copies: Message[] = [];
  for (const original of path) {
    copies.push({
      ...original,
      id: newId(),
      conversationId: fork.id,
      parentId: copies.at(-1)?.id ?? null,
    });
  }
  const leaf = copies.at(-1);
  const newest = copies.reduce<Message | undefined>(
    (a, m) => (!a || compareMessages(m, a) > 0 ? m : a),
    undefined,
  );
  const stored = showingLeaf(fork, leaf, copies.length, newest?.id, now);
  const messages = tx.objectStore('messages');
  await Promise.all([
    tx.objectStore('conversations').put(stored),
    issueAll(copies, (m) => messages.put(m)),
    stampMany([
      { kind: 'conversation', id: fork.id, projectId: fork.projectId, deleted: false },
      ...copies.map((m) => ({ kind: 'message' as const, id: m.id, projectId: m.projectId, deleted: false })),
    ]),
    ensureProject(tx, fork.projectId),
  ]);
  changes.conversation(fork.projectId, fork.id, false);
  for (const m of copies) changes.message(m, false);
  return stored;
}

/** deleteMessage: the message and its subtree go; the shown branch moves off them. */
export async function deleteSubtree(scope: WriteScope, id: string): Promise<void> {
  const { tx, changes, stampMany } = scope;
  const message = await tx.objectStore('messages').get(id);
  if (!message) throw notFoundMessage(id);
  const [conversation, all] = await Promise.all([
    tx.objectStore('conversations').get(message.conversationId),
    // The whole conversation: a reply made on a device whose clock ran behind may be older than what it answers.
    loadAll(tx, message.conversationId),
  ]);
  const removed = subtreeIds(all, id);
  const remaining = all.filter((m) => !removed.has(m.id));
  const gone = all.filter((m) => removed.has(m.id));
  const store = tx.objectStore('messages');
  await Promise.all([
    issueAll(gone, (m) => store.delete(m.id)),
    stampMany(
      gone.map((m) => ({ kind: 'message' as const, id: m.id, projectId: m.projectId, deleted: true })),
    ),
  ]);
  for (const m of gone) changes.message(m, true);
  if (!conversation) return;
  const shown = resolveActiveLeaf(all, conversation.activeLeafId);
  const leaf = shown && removed.has(shown.id) ? leafAfterDelete(remaining, message) : shown;
  const count = leaf ? branchTo(remaining, leaf.id).messages.length : 0;
  const next = showingLeaf(conversation, leaf, count, newestLeafUnder(remaining, null)?.id);
  await putConversation(scope, conversation, next);
}

/** Every message of a conversation, chronological. */
export function loadAll(tx: WriteTx, conversationId: string): Promise<Message[]> {
  return tx.objectStore('messages').index('byConversationCreated').getAll(conversationRange(conversationId));
}

/**
 * saveConversation: upserts the conversation and its messages. New
 * messages are placed as saveMessage would place them one by one in time
 * order; `input.activeLeafId`, when given, then names the shown leaf.
 * `inputs` are checked (checkSaveConversationArgs).
 */
export async function saveBatch(
  scope: WriteScope,
  input: ConversationInput,
  inputs: MessageInput[],
  now: number,
): Promise<void> {
  const { tx } = scope;
  const existing = await tx.objectStore('conversations').get(input.id);
  const [held, stored] = await Promise.all([
    existing ? loadAll(tx, input.id) : Promise.resolve([]),
    // Ids stored anywhere, even in another conversation (buildMessage refuses to move them).
    readBack(
      tx.objectStore('messages'),
      inputs.map((m) => m.id),
    ),
  ]);
  const storedById = new Map<string, Message>();
  inputs.forEach((m, i) => {
    const s = stored[i];
    if (s) storedById.set(m.id, s);
  });
  await writePlanned(scope, [planConversation(input, inputs, existing, held, storedById, now)]);
}

/**
 * saveBatch for several conversations in one transaction, with the reads of
 * all of them first and the writes of all of them after: a few waits for
 * the whole batch instead of several per conversation (the import path,
 * where each wait is a round trip to the browser's storage thread). Each
 * conversation ends up as saveBatch one after the other would leave it.
 */
export async function saveBatches(
  scope: WriteScope,
  items: { input: ConversationInput; inputs: MessageInput[] }[],
  now: number,
  assumeNew = false,
): Promise<void> {
  const ids = items.map((i) => i.input.id);
  if (new Set(ids).size < ids.length) {
    // The same conversation twice: the second copy upserts onto the first.
    for (const { input, inputs } of items) await saveBatch(scope, input, inputs, now);
    return;
  }
  const { tx } = scope;
  const messageIds = items.flatMap((i) => i.inputs.map((m) => m.id));
  const [existing, entries] = await Promise.all([
    readBack(tx.objectStore('conversations'), ids),
    assumeNew
      ? readBack(
          tx.objectStore('sync_metadata'),
          ids.map((id): [RecordKind, string] => ['conversation', id]),
        )
      : [],
  ]);
  // None of the conversations is stored or was ever (no sync entry, not even
  // a deletion's): their messages are new too, barring an id that another
  // conversation uses, and reading thousands of them back would find nothing.
  // The messages and their sync entries are then added, not put: a record
  // stored after all fails the transaction, and the caller saves again with
  // everything read back (assumeNew false).
  const fresh = assumeNew && existing.every((c) => !c) && entries.every((e) => !e);
  const stored = fresh
    ? new Array<Message | undefined>(messageIds.length)
    : await readBack(tx.objectStore('messages'), messageIds);
  const held = await Promise.all(
    items.map((item, k) => (existing[k] ? loadAll(tx, item.input.id) : Promise.resolve([]))),
  );
  const storedById = new Map<string, Message>();
  messageIds.forEach((id, i) => {
    const s = stored[i];
    if (s && !storedById.has(id)) storedById.set(id, s);
  });
  const planned = items.map(({ input, inputs }, k) => {
    const plan = planConversation(input, inputs, existing[k], held[k] ?? [], storedById, now);
    // What a later conversation of the batch would read back, had this one been written first.
    for (const m of plan.saved) storedById.set(m.id, m);
    return plan;
  });
  await writePlanned(scope, planned, fresh);
}

interface Planned {
  conversation: Conversation;
  /** The messages to write, new and updated. */
  saved: Message[];
}

/** The records saveBatch writes for one conversation, from what is stored. Throws on bad input. */
function planConversation(
  input: ConversationInput,
  inputs: MessageInput[],
  existing: Conversation | undefined,
  held: Message[],
  storedById: ReadonlyMap<string, Message>,
  now: number,
): Planned {
  const upserted = upsertConversation(input, existing, now);
  for (const m of inputs) checkSameProject(m, upserted);
  const all = new Map(held.map((m) => [m.id, m]));
  let leaf = resolveActiveLeaf(held, upserted.activeLeafId);
  const newestChild = new Map<string | null, Message>();
  for (const m of held) noteChild(newestChild, m);

  // In time order, as a sequence of saveMessage calls would place them; the input's own order breaks no tie.
  const ordered = inputs
    .map((m, i) => ({ m, i, at: m.createdAt ?? storedById.get(m.id)?.createdAt ?? now }))
    .sort((a, b) => a.at - b.at || (a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : a.i - b.i));
  const saved: Message[] = [];
  const fresh: Message[] = [];
  for (const { m } of ordered) {
    const before = all.get(m.id) ?? storedById.get(m.id);
    const message = before
      ? buildMessage(m, before, now)
      : buildMessage(m, undefined, now, m.parentId !== undefined ? m.parentId : (leaf?.id ?? null));
    if (!before) {
      fresh.push(message);
      const siblingNewest = newestChild.get(message.parentId);
      if (m.parentId === undefined || !siblingNewest || compareMessages(message, siblingNewest) > 0) {
        leaf = message;
      }
    } else if (leaf?.id === message.id) {
      leaf = message;
    }
    all.set(message.id, message);
    noteChild(newestChild, message);
    saved.push(message);
  }
  for (const message of fresh) {
    if (message.parentId !== null) checkParent(message, all.get(message.parentId));
  }
  checkNoCycles(
    fresh.map((m) => m.id),
    (id) => all.get(id)?.parentId,
  );
  if (input.activeLeafId !== undefined) {
    const named = all.get(input.activeLeafId);
    if (!named) {
      throw new ChatStorageError(
        'invalid-input',
        `saveConversation: activeLeafId ${input.activeLeafId} is not a message of conversation ${input.id}; name one of its messages or leave activeLeafId out.`,
      );
    }
    leaf = named;
  }
  const messages = [...all.values()];
  const touchedAt = saved.reduce<number | undefined>((t, m) => Math.max(t ?? 0, m.updatedAt), undefined);
  const count = leaf ? branchTo(messages, leaf.id).messages.length : 0;
  const conversation = showingLeaf(upserted, leaf, count, newestLeafUnder(messages, null)?.id, touchedAt);
  // A leaf named in the input (an import) is kept as chosen, even when it is the newest today, as selectVersion keeps it.
  if (input.activeLeafId !== undefined) conversation.activeLeafId = input.activeLeafId;
  if (input.forkedFrom !== undefined) conversation.forkedFrom = input.forkedFrom;
  return { conversation, saved };
}

/**
 * Writes planned conversations and their messages with their sync entries,
 * every request issued at once. `fresh`: none of them is stored yet (see
 * saveBatches); they are added, so that one stored after all fails the write.
 */
async function writePlanned(scope: WriteScope, planned: Planned[], fresh = false): Promise<void> {
  const { tx, changes, stampMany } = scope;
  const messages = tx.objectStore('messages');
  const conversations = tx.objectStore('conversations');
  const messageStamps = (p: Planned) =>
    p.saved.map((m) => ({ kind: 'message' as const, id: m.id, projectId: m.projectId, deleted: false }));
  const conversationStamp = ({ conversation }: Planned) => ({
    kind: 'conversation' as const,
    id: conversation.id,
    projectId: conversation.projectId,
    deleted: false,
  });
  // Each conversation is stamped after its messages, as when saved one by one
  // (fresh: every message first, stamped at once, then the conversations).
  const stamping = fresh
    ? [stampMany(planned.flatMap(messageStamps), true), stampMany(planned.map(conversationStamp), true)]
    : [stampMany(planned.flatMap((p) => [...messageStamps(p), conversationStamp(p)]))];
  await Promise.all([
    putAll(
      unwrap(messages),
      planned.flatMap((p) => p.saved),
      fresh ? 'add' : 'put',
    ),
    issueAll(planned, (p) => conversations.put(p.conversation)),
    ...stamping,
    ...[...new Set(planned.map((p) => p.conversation.projectId))].map((id) => ensureProject(tx, id)),
  ]);
  for (const { conversation, saved } of planned) {
    for (const m of saved) changes.message(m, false);
    changes.conversation(conversation.projectId, conversation.id, false);
  }
}

function noteChild(newestChild: Map<string | null, Message>, m: Message): void {
  const key = m.parentId ?? null;
  const known = newestChild.get(key);
  if (!known || compareMessages(m, known) > 0) newestChild.set(key, m);
}
