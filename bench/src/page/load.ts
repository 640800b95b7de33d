// Fills the Chatkeep database (the app's own, so the app can open it) and
// the Dexie baseline with the dataset, one conversation per transaction.
import { conversationsOf, type DatasetSpec } from '../shared/dataset.js';
import { type BenchContext, openContext } from './context.js';

export interface LoadReport {
  conversations: number;
  messages: number;
  bigConversationId: string;
  /** Time to store the dataset with saveConversation, per system. */
  chatkeepMs: number;
  dexieMs: number;
}

export async function load(spec: DatasetSpec): Promise<LoadReport> {
  const ctx: BenchContext = await openContext(spec);
  let conversations = 0;
  let messages = 0;
  let chatkeepMs = 0;
  let dexieMs = 0;
  for (const item of conversationsOf(spec)) {
    let t = performance.now();
    await ctx.chatkeep.saveConversation(item.conversation, item.messages);
    chatkeepMs += performance.now() - t;
    t = performance.now();
    await ctx.dexie.saveConversation(item.conversation, item.messages);
    dexieMs += performance.now() - t;
    conversations += 1;
    messages += item.messages.length;
  }
  const stored = await ctx.dexie.count();
  if (stored !== messages) throw new Error(`Dexie holds ${stored} messages, expected ${messages}`);
  const big = await ctx.chatkeep.getConversation(ctx.bigConversationId);
  if (big?.messageCount !== spec.bigMessages) {
    throw new Error(
      `the long conversation holds ${big?.messageCount} messages, expected ${spec.bigMessages}`,
    );
  }
  return { conversations, messages, bigConversationId: ctx.bigConversationId, chatkeepMs, dexieMs };
}
