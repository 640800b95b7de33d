// M6 ChatGPT: import of a ChatGPT export of about 20,000 messages. Chatkeep
// reads every branch and content type (importConversations); Dexie stores
// what a plain app would make of the same file: each node's text under its
// nearest message above, one transaction per conversation.
import { IndexedDBAdapter, importConversations, type MessageInput } from '@chatkeep/storage';
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

type Json = Record<string, unknown>;

/** The Dexie baseline's reading of the file: text messages, each under the nearest one kept above it. */
function plainMessages(raw: Json, projectId: string): MessageInput[] {
  const mapping = raw.mapping as Record<string, { parent: string | null; message: Json | null }>;
  const conversationId = raw.id as string;
  const kept = new Map<string, MessageInput>();
  for (const [id, node] of Object.entries(mapping)) {
    const m = node.message;
    const content = m?.content as { content_type: string; parts?: unknown[]; text?: string } | undefined;
    if (!m || !content || content.content_type === 'thoughts') continue;
    const text = content.parts
      ? content.parts.filter((p) => typeof p === 'string').join('\n')
      : (content.text ?? '');
    if (!text) continue;
    kept.set(id, {
      id,
      conversationId,
      projectId,
      role: (m.author as { role: MessageInput['role'] }).role,
      content: text,
      createdAt: Math.round((m.create_time as number) * 1000),
    });
  }
  for (const [id, message] of kept) {
    let parent = mapping[id]!.parent;
    while (parent !== null && !kept.has(parent)) parent = mapping[parent]?.parent ?? null;
    message.parentId = parent;
  }
  return [...kept.values()];
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
        const dexie = await DexieBaseline.open(dbName);
        const t = performance.now();
        let count = 0;
        for (const raw of JSON.parse(file.text) as Json[]) {
          const messages = plainMessages(raw, spec.projectId);
          count += messages.length;
          await dexie.saveConversation(
            {
              id: raw.id as string,
              projectId: spec.projectId,
              title: raw.title as string,
              createdAt: Math.round((raw.create_time as number) * 1000),
              updatedAt: Math.round((raw.update_time as number) * 1000),
              archived: raw.is_archived === true,
              pinned: false,
              tags: [],
            },
            messages,
          );
        }
        const ms = performance.now() - t;
        dexie.close();
        await deleteDatabase(dbName);
        if (count !== file.messages)
          throw new Error(`Dexie stored ${count} messages, expected ${file.messages}`);
        if (keep) result.dexie.push((file.messages / ms) * 1000);
      }
    }
  }
  return result;
}
