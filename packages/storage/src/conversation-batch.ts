// The import path's way in to an adapter: several conversations saved in one
// transaction, each with the same checks and upsert as saveConversation.
// Keyed by a symbol the package does not export, so only its own code (the
// import readers) can call it and claim that messages are already validated.
import type { ConversationInput, MessageInput } from './types.js';

export interface ConversationBatchItem {
  conversation: ConversationInput;
  messages: MessageInput[];
  /** Every message already passed `validateMessageInput` or `validateMessage` (schema.ts). */
  validated: boolean;
}

export const saveConversationBatch: unique symbol = Symbol('chatkeep.saveConversationBatch');

export interface ConversationBatchSaver {
  /**
   * Saves every item in one transaction, as saveConversation saves one: all
   * of them or, when anything fails (a bad message, a full disk), none.
   */
  [saveConversationBatch](items: ConversationBatchItem[]): Promise<void>;
}

/** The adapter's batch saver, when it has one (both built-in adapters do). */
export function batchSaverOf(adapter: object): ConversationBatchSaver | undefined {
  return typeof (adapter as Partial<ConversationBatchSaver>)[saveConversationBatch] === 'function'
    ? (adapter as ConversationBatchSaver)
    : undefined;
}
