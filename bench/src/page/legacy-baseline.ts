// The legacy approach Chatkeep replaces: the whole history as one JSON array
// in one localStorage key, kept in memory and rewritten on every change.
import type { Message, MessageInput } from '@chatkeep/storage';

/** The old app kept whatever it was handed: messages without a parentId among them. */
type LegacyMessage = MessageInput;

const KEY = 'bench-legacy-history';

function isQuota(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22);
}

export class LegacyBlob {
  private history: LegacyMessage[] = [];

  /** Messages currently stored. */
  get size(): number {
    return this.history.length;
  }

  clear(): void {
    localStorage.removeItem(KEY);
    this.history = [];
  }

  /**
   * Stores `messages` as the history. When they do not fit in the origin's
   * localStorage quota, keeps the newest that do and returns how many.
   */
  fill(messages: Message[]): number {
    let keep = messages.length;
    for (;;) {
      const slice = messages.slice(messages.length - keep);
      try {
        localStorage.setItem(KEY, JSON.stringify(slice));
        this.history = slice;
        return keep;
      } catch (error) {
        if (!isQuota(error) || keep === 0) throw error;
        keep = Math.floor(keep * 0.9);
      }
    }
  }

  /** The newest `limit` messages of a conversation, read from storage as the legacy app did. */
  getMessages(conversationId: string, limit: number): Message[] {
    const all = JSON.parse(localStorage.getItem(KEY) ?? '[]') as Message[];
    const mine = all.filter((m) => m.conversationId === conversationId);
    return mine.slice(Math.max(0, mine.length - limit));
  }

  /** Upsert of one message: the whole history is written again. */
  saveMessage(message: Message): void {
    const i = this.history.findLastIndex((m) => m.id === message.id);
    if (i >= 0) this.history[i] = message;
    else this.history.push(message);
    this.persist();
  }

  updateMessage(id: string, patch: Partial<Message>): void {
    const i = this.history.findLastIndex((m) => m.id === id);
    if (i < 0) throw new Error(`no message ${id}`);
    this.history[i] = { ...this.history[i]!, ...patch, updatedAt: Date.now() };
    this.persist();
  }

  /**
   * Appending one message as the legacy app did on every send: the blob is
   * read and parsed, the message pushed, the whole history written back.
   */
  appendFromStorage(message: LegacyMessage): void {
    const history = JSON.parse(localStorage.getItem(KEY) ?? '[]') as LegacyMessage[];
    history.push(message);
    localStorage.setItem(KEY, JSON.stringify(history));
    this.history = history;
  }

  /** A batch (one imported conversation) appended with one write. */
  appendAll(messages: Message[]): void {
    for (const m of messages) this.history.push(m);
    this.persist();
  }

  private persist(): void {
    localStorage.setItem(KEY, JSON.stringify(this.history));
  }
}
