// M6 ChatGPT: import of a ChatGPT export of about 20,000 messages. Both
// systems read the file with Chatkeep's reader (every branch and content
// type, importConversations) and store the same records; Dexie stores them
// with the same indexes (the message tree's `byParent` too), one transaction
// per conversation.
import { type ChatStorageAdapter, IndexedDBAdapter, importConversations } from '@chatkeep/storage';
import { chatGptExport } from '../shared/chatgpt-export.js';
import { context, deleteDatabase, pause } from './context.js';
import { DexieBaseline } from './dexie-baseline.js';

export interface ChatGptImportRuns {
  /** Messages per second, per run. */
  chatkeep: number[];
  dexie: number[];
  messages: number;
  conversations: number;
  fileBytes: number;
}

/**
 * Dexie seen through the one adapter method an import calls: importConversations
 * reads the file with the same reader and hands Dexie each conversation with
 * the same records, so only the storage differs (one transaction per
 * conversation, as a plain Dexie app saves them).
 */
function dexieImportTarget(dexie: DexieBaseline): ChatStorageAdapter {
  const target: Pick<ChatStorageAdapter, 'saveConversation'> = {
    saveConversation: (conversation, messages) => dexie.saveConversation(conversation as never, messages),
  };
  return target as ChatStorageAdapter;
}

export async function m6ImportChatGpt(runs: number, minMessages: number): Promise<ChatGptImportRuns> {
  const { spec } = context();
  const file = chatGptExport(spec, minMessages);
  const result: ChatGptImportRuns = {
    chatkeep: [],
    dexie: [],
    messages: file.messages,
    conversations: file.conversations,
    fileBytes: file.text.length,
  };
  for (let run = -1; run < runs; run++) {
    const keep = run >= 0;
    // Who goes first alternates run by run.
    const order = run % 2 === 0 ? ['chatkeep', 'dexie'] : ['dexie', 'chatkeep'];
    for (const who of order) {
      await pause(50);
      const dbName = `bench-import-chatgpt-${who}-${run + 1}`;
      await deleteDatabase(dbName);
      if (who === 'chatkeep') {
        const adapter = await IndexedDBAdapter.open({ dbName });
        const t = performance.now();
        const imported = await importConversations(adapter, file.text, { format: 'chatgpt' });
        const ms = performance.now() - t;
        await adapter.close();
        await deleteDatabase(dbName);
        if (imported.messages !== file.messages || imported.skipped.length > 0) {
          throw new Error(
            `Chatkeep imported ${imported.messages} messages, expected ${file.messages}; skipped: ${JSON.stringify(imported.skipped.slice(0, 3))}`,
          );
        }
        if (keep) result.chatkeep.push((file.messages / ms) * 1000);
      } else {
        const dexie = await DexieBaseline.open(dbName, { tree: true });
        const t = performance.now();
        const imported = await importConversations(dexieImportTarget(dexie), file.text, {
          format: 'chatgpt',
        });
        const ms = performance.now() - t;
        const count = await dexie.count();
        dexie.close();
        await deleteDatabase(dbName);
        if (imported.messages !== file.messages || count !== file.messages) {
          throw new Error(
            `Dexie stored ${count} messages (${imported.messages} imported), expected ${file.messages}`,
          );
        }
        if (keep) result.dexie.push((file.messages / ms) * 1000);
      }
    }
  }
  return result;
}
