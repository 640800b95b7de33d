// The read-only copy of one conversation that a share link carries. It is a
// Chatkeep JSON export (export/format.ts) of that one conversation, so the
// page that opens it and "Import into Chatkeep" read it exactly as any
// export is read. What concerns only its owner (which project, tags, pinned,
// archived, what it was forked from) stays out of it.
import { ChatStorageError } from '../errors.js';
import {
  CHATKEEP_EXPORT_FORMAT,
  CHATKEEP_EXPORT_VERSION,
  type ChatkeepExport,
  conversationInFieldOrder,
  messageInFieldOrder,
} from '../export/format.js';
import { readChatkeepExport } from '../import/chatkeep.js';
import { importConversations } from '../import/index.js';
import { activeBranch } from '../tree/index.js';
import type { ChatStorageAdapter, Conversation, Message } from '../types.js';

/** The active branch (what the owner sees), or every version of every message. */
export type ShareBranches = 'active' | 'all';

export interface ShareSnapshot extends ChatkeepExport {
  /** What the owner chose to share. */
  share: { branches: ShareBranches };
}

/** The project a shared copy names: the owner's project ids (old ones are names) stay private. */
const SHARED_PROJECT = 'default';

/** The snapshot of conversation `conversationId` as it is now in `adapter`. */
export async function buildShareSnapshot(
  adapter: ChatStorageAdapter,
  conversationId: string,
  opts: { branches?: ShareBranches; now?: () => number } = {},
): Promise<ShareSnapshot> {
  const branches = opts.branches ?? 'active';
  if (branches !== 'active' && branches !== 'all') {
    throw new ChatStorageError(
      'invalid-input',
      `buildShareSnapshot: branches must be 'active' or 'all', got ${JSON.stringify(branches)}.`,
    );
  }
  const conversation = await adapter.getConversation(conversationId);
  if (!conversation) {
    throw new ChatStorageError(
      'not-found',
      `Cannot share conversation ${conversationId}: it does not exist (it may have been deleted).`,
    );
  }
  const every = await adapter.loadConversation(conversationId);
  const active = activeBranch(every, conversation.activeLeafId).messages;
  const messages = branches === 'all' ? every : active;
  const leaf = active.at(-1);
  const shared: Conversation = {
    id: conversation.id,
    projectId: SHARED_PROJECT,
    title: conversation.title,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    archived: false,
    pinned: false,
    tags: [],
    messageCount: messages.length,
    ...(conversation.lastMessage !== undefined && { lastMessage: conversation.lastMessage }),
    ...(leaf && { activeLeafId: leaf.id }),
  };
  return {
    format: CHATKEEP_EXPORT_FORMAT,
    version: CHATKEEP_EXPORT_VERSION,
    exportedAt: new Date((opts.now ?? Date.now)()).toISOString(),
    share: { branches },
    conversations: [
      {
        ...conversationInFieldOrder(shared),
        messages: messages.map((m) => messageInFieldOrder({ ...m, projectId: SHARED_PROJECT })),
      },
    ],
  };
}

/** A snapshot read back: the conversation, every message it holds, and the branch to show. */
export interface SharedConversation {
  conversation: Conversation;
  /** Every message of the snapshot, chronological. */
  messages: Message[];
  /** The branch the owner saw, root first. */
  activeBranch: Message[];
  branches: ShareBranches;
}

const NOT_A_SHARE =
  'The shared conversation is not in a form this version of Chatkeep reads; ask for a new link, or update Chatkeep.';

/**
 * Checks a decrypted snapshot with the import's own reader (the same
 * validation and tree repair as an import) and returns what to show.
 * Throws `import-failed` saying what is wrong.
 */
export function readShareSnapshot(value: unknown): SharedConversation {
  const share = (value as Partial<ShareSnapshot> | null)?.share;
  const conversations = (value as Partial<ShareSnapshot> | null)?.conversations;
  if (!Array.isArray(conversations) || conversations.length !== 1 || typeof share !== 'object') {
    throw new ChatStorageError('import-failed', `${NOT_A_SHARE} (It must hold exactly one conversation.)`);
  }
  const plan = readChatkeepExport(value, { now: Date.now() });
  const item = plan.items[0];
  if (!item) {
    throw new ChatStorageError(
      'import-failed',
      `${NOT_A_SHARE} (${plan.skipped[0]?.reason ?? 'no conversation'})`,
    );
  }
  // readChatkeepExport validated every record in full: these are whole records.
  const conversation = item.conversation as Conversation;
  const messages = item.messages as Message[];
  return {
    conversation,
    messages,
    activeBranch: activeBranch(messages, conversation.activeLeafId).messages,
    branches: share?.branches === 'all' ? 'all' : 'active',
  };
}

/**
 * "Import into Chatkeep": saves the shared conversation into `projectId`
 * of this browser's storage. The copy keeps the snapshot's ids, so importing
 * the same link twice (or the owner opening their own link) keeps one copy:
 * `imported` is false when the conversation was already here.
 */
export async function importShareSnapshot(
  adapter: ChatStorageAdapter,
  value: unknown,
  opts: { projectId: string },
): Promise<{ conversationId: string; imported: boolean }> {
  const { conversation } = readShareSnapshot(value);
  if (await adapter.getConversation(conversation.id)) {
    return { conversationId: conversation.id, imported: false };
  }
  const result = await importConversations(adapter, JSON.stringify(value), {
    format: 'chatkeep',
    projectId: opts.projectId,
  });
  const conversationId = result.conversationIds[0];
  if (!conversationId) {
    throw new ChatStorageError(
      'import-failed',
      `The shared conversation could not be imported: ${result.skipped[0]?.reason ?? 'nothing was saved'}`,
    );
  }
  return { conversationId, imported: true };
}
