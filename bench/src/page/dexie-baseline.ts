// The same schema on Dexie.js, written as a careful Dexie app would: a
// message write, its conversation's summary and its sync_metadata entry in
// one transaction, records validated by the same shared validator. Only the
// storage layer differs from Chatkeep's IndexedDB adapter.
import {
  type Conversation,
  type Message,
  type MessageInput,
  previewOf,
  type SyncedConversation,
  validateMessageInput,
} from '@chatkeep/storage';
import { Dexie, type EntityTable } from 'dexie';

interface SyncEntry {
  kind: 'conversation' | 'message';
  id: string;
  projectId: string;
  hlc: string;
  deleted: boolean;
  syncStatus: 'pending' | 'synced';
  outbox?: string;
}

type BenchDexie = Dexie & {
  conversations: EntityTable<Conversation, 'id'>;
  messages: EntityTable<Message, 'id'>;
  sync_metadata: EntityTable<SyncEntry, 'id'>;
};

export class DexieBaseline {
  private counter = 0;

  private constructor(readonly db: BenchDexie) {}

  /**
   * `tree`: messages also get Chatkeep's second index, a message's children
   * (`byParent`: [parentId, createdAt, id], roots left out as IndexedDB leaves
   * out null keys), which an app that keeps conversations as message trees
   * needs to list the versions of an answer. The import figures use it, so
   * both systems maintain the same indexes for the same purposes.
   */
  static async open(name: string, opts: { tree?: boolean } = {}): Promise<DexieBaseline> {
    const db = new Dexie(name) as BenchDexie;
    db.version(1).stores({
      conversations: 'id, [projectId+updatedAt]',
      messages: opts.tree
        ? 'id, [conversationId+createdAt+id], [parentId+createdAt+id]'
        : 'id, [conversationId+createdAt+id]',
      sync_metadata: '[kind+id], outbox',
    });
    await db.open();
    return new DexieBaseline(db);
  }

  close(): void {
    this.db.close();
  }

  /** A stamp shaped like Chatkeep's HLC (string order is time order). */
  private stamp(): string {
    this.counter = (this.counter + 1) % 100_000;
    return `${String(Date.now()).padStart(15, '0')}:${String(this.counter).padStart(5, '0')}:dexie`;
  }

  private pending(kind: SyncEntry['kind'], id: string, projectId: string): SyncEntry {
    const hlc = this.stamp();
    return { kind, id, projectId, hlc, deleted: false, syncStatus: 'pending', outbox: hlc };
  }

  async saveConversation(conversation: SyncedConversation, inputs: MessageInput[]): Promise<void> {
    const now = Date.now();
    const messages: Message[] = inputs.map((raw) => {
      const m = validateMessageInput(raw);
      return {
        ...m,
        parentId: m.parentId ?? null,
        status: m.status ?? 'complete',
        createdAt: m.createdAt ?? now,
        updatedAt: m.updatedAt ?? now,
      };
    });
    const { db } = this;
    await db.transaction('rw', db.conversations, db.messages, db.sync_metadata, async () => {
      const existing = await db.conversations.get(conversation.id);
      await db.messages.bulkPut(messages);
      const count = await db.messages
        .where('[conversationId+createdAt+id]')
        .between([conversation.id, Dexie.minKey, Dexie.minKey], [conversation.id, Dexie.maxKey, Dexie.maxKey])
        .count();
      const newest = messages.reduce<Message | undefined>(
        (a, m) => (!a || m.createdAt > a.createdAt ? m : a),
        undefined,
      );
      const summary: Conversation = {
        ...(existing ?? { messageCount: 0 }),
        ...conversation,
        messageCount: count,
        updatedAt: Math.max(conversation.updatedAt, newest?.updatedAt ?? 0),
      };
      if (newest) summary.lastMessage = previewOf(newest.content);
      await db.conversations.put(summary);
      await db.sync_metadata.bulkPut([
        ...messages.map((m) => this.pending('message', m.id, m.projectId)),
        this.pending('conversation', conversation.id, conversation.projectId),
      ]);
    });
  }

  async saveMessage(raw: MessageInput): Promise<Message> {
    const input = validateMessageInput(raw);
    const { db } = this;
    return db.transaction('rw', db.conversations, db.messages, db.sync_metadata, async () => {
      const conversation = await db.conversations.get(input.conversationId);
      if (!conversation) throw new Error(`no conversation ${input.conversationId}`);
      const existing = await db.messages.get(input.id);
      const now = Date.now();
      const message: Message = {
        ...existing,
        ...input,
        parentId: existing?.parentId ?? input.parentId ?? null,
        status: input.status ?? existing?.status ?? 'complete',
        createdAt: input.createdAt ?? existing?.createdAt ?? now,
        updatedAt: input.updatedAt ?? now,
      };
      await db.messages.put(message);
      await db.sync_metadata.put(this.pending('message', message.id, message.projectId));
      await db.conversations.put({
        ...conversation,
        messageCount: conversation.messageCount + (existing ? 0 : 1),
        lastMessage: previewOf(message.content),
        updatedAt: Math.max(conversation.updatedAt, message.updatedAt),
      });
      return message;
    });
  }

  async updateMessage(id: string, patch: Partial<Message>): Promise<Message> {
    const { db } = this;
    return db.transaction('rw', db.conversations, db.messages, db.sync_metadata, async () => {
      const existing = await db.messages.get(id);
      if (!existing) throw new Error(`no message ${id}`);
      const message = validateMessageInput({ ...existing, ...patch, updatedAt: Date.now() }) as Message;
      await db.messages.put(message);
      await db.sync_metadata.put(this.pending('message', id, message.projectId));
      const conversation = await db.conversations.get(message.conversationId);
      if (conversation) {
        await db.conversations.put({
          ...conversation,
          lastMessage: previewOf(message.content),
          updatedAt: Math.max(conversation.updatedAt, message.updatedAt),
        });
      }
      return message;
    });
  }

  async getMessages(
    conversationId: string,
    limit: number,
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    const page = await this.db.messages
      .where('[conversationId+createdAt+id]')
      .between([conversationId, Dexie.minKey, Dexie.minKey], [conversationId, Dexie.maxKey, Dexie.maxKey])
      .reverse()
      .limit(limit + 1)
      .toArray();
    const hasMore = page.length > limit;
    return { messages: page.slice(0, limit).reverse(), hasMore };
  }

  async listConversations(projectId: string): Promise<Conversation[]> {
    return this.db.conversations
      .where('[projectId+updatedAt]')
      .between([projectId, Dexie.minKey], [projectId, Dexie.maxKey])
      .reverse()
      .toArray();
  }

  async count(): Promise<number> {
    return this.db.messages.count();
  }
}
