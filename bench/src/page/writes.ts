// M4 (streaming persistence: one write per chunk, chunk to committed) and
// M6 (import throughput).
import {
  exportConversations,
  IndexedDBAdapter,
  importConversations,
  type Message,
  type MessageInput,
  type MessageMetadata,
} from '@chatkeep/storage';
import { conversationsOf, type DatasetSpec, importSpec } from '../shared/dataset.js';
import { seededRandom } from '../shared/random.js';
import { context, deleteDatabase } from './context.js';
import { DexieBaseline } from './dexie-baseline.js';
import { fillLegacy, inTurns } from './reads.js';

export interface StreamRuns {
  /** Per run, every chunk's latency in ms. */
  chatkeep: number[][];
  dexie: number[][];
  legacy: number[][];
  legacyMessages: number;
  chunks: number;
  answerBytes: number;
}

interface StreamTarget {
  saveMessage(m: MessageInput): Promise<unknown> | unknown;
  updateMessage(id: string, patch: Partial<Message>): Promise<unknown> | unknown;
}

/** A long answer in chunks of 20-100 characters, the same for every system. */
function chunksOf(count: number): string[] {
  const rnd = seededRandom(99);
  const words =
    'the answer streams in small pieces while the reader watches it grow and saves each piece'.split(' ');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let chunk = '';
    const size = rnd.int(20, 100);
    while (chunk.length < size) chunk += `${rnd.pick(words)} `;
    out.push(chunk);
  }
  return out;
}

let streamCounter = 0;

/** Streams one answer into the long conversation as the UI's stream writer does; returns each chunk's latency. */
async function streamOnce(target: StreamTarget, chunks: string[]): Promise<number[]> {
  const { bigConversationId, spec } = context();
  streamCounter += 1;
  const now = Date.now();
  const id = `bench-stream-${now}-${streamCounter}`;
  const metadata: MessageMetadata = { model: 'bench-model-1' };
  const base: MessageInput = {
    id,
    conversationId: bigConversationId,
    projectId: spec.projectId,
    role: 'assistant',
    content: '',
    status: 'pending',
    metadata,
    createdAt: now,
    updatedAt: now,
  };
  await target.saveMessage(base);
  const latencies: number[] = [];
  let content = '';
  for (const chunk of chunks) {
    content += chunk;
    const t = performance.now();
    await target.updateMessage(id, { content, status: 'streaming', metadata });
    latencies.push(performance.now() - t);
  }
  await target.updateMessage(id, { content, status: 'complete', metadata });
  return latencies;
}

export async function m4Streaming(runs: number, chunkCount: number): Promise<StreamRuns> {
  const { chatkeep, dexie } = context();
  const chunks = chunksOf(chunkCount);
  const { legacy, fitted } = fillLegacy();
  const turns = await inTurns(runs, {
    chatkeep: () => streamOnce(chatkeep, chunks),
    dexie: () => streamOnce(dexie, chunks),
    legacy: () => streamOnce(legacy, chunks),
  });
  const result: StreamRuns = {
    ...turns,
    legacyMessages: fitted,
    chunks: chunkCount,
    answerBytes: chunks.join('').length,
  };
  legacy.clear();
  return result;
}

export interface ImportRuns {
  /** Messages per second, per run. */
  chatkeep: number[];
  dexie: number[];
  legacy: number[];
  messages: number;
  conversations: number;
  fileBytes: number;
  /** Runs where the legacy blob ran out of localStorage quota before the end. */
  legacyQuotaRuns: number;
}

/** A Chatkeep JSON export of a second, disjoint set of conversations, made by the real exporter. */
async function exportFile(
  spec: DatasetSpec,
): Promise<{ text: string; messages: number; conversations: number }> {
  const name = 'bench-import-source';
  await deleteDatabase(name);
  const source = await IndexedDBAdapter.open({ dbName: name });
  let messages = 0;
  let conversations = 0;
  for (const { conversation, messages: list } of conversationsOf(spec)) {
    await source.saveConversation(conversation, list);
    messages += list.length;
    conversations += 1;
  }
  const text = await exportConversations(source, { format: 'json' });
  await source.close();
  await deleteDatabase(name);
  return { text, messages, conversations };
}

/** One import into a fresh database; messages per second. */
async function importChatkeep(text: string, expected: number, dbName: string): Promise<number> {
  await deleteDatabase(dbName);
  const adapter = await IndexedDBAdapter.open({ dbName });
  const t = performance.now();
  const imported = await importConversations(adapter, text, { format: 'chatkeep' });
  const ms = performance.now() - t;
  await adapter.close();
  await deleteDatabase(dbName);
  if (imported.messages !== expected) {
    throw new Error(`Chatkeep imported ${imported.messages} messages, expected ${expected}`);
  }
  return (expected / ms) * 1000;
}

async function importDexie(text: string, expected: number, dbName: string): Promise<number> {
  await deleteDatabase(dbName);
  // The same indexes as Chatkeep, the message tree's byParent included.
  const dexie = await DexieBaseline.open(dbName, { tree: true });
  const t = performance.now();
  const parsed = JSON.parse(text) as { conversations: { messages: Message[] }[] };
  for (const { messages, ...conversation } of parsed.conversations) {
    const {
      messageCount: _c,
      lastMessage: _l,
      ...synced
    } = conversation as typeof conversation & {
      messageCount: number;
      lastMessage?: string;
    };
    await dexie.saveConversation(synced as never, messages);
  }
  const ms = performance.now() - t;
  const count = await dexie.count();
  dexie.close();
  await deleteDatabase(dbName);
  if (count !== expected) throw new Error(`Dexie imported ${count} messages, expected ${expected}`);
  return (expected / ms) * 1000;
}

/** Messages per second up to the end or to the quota, and whether the quota was hit. */
function importLegacy(text: string): { rate: number; quota: boolean } {
  const { legacy } = fillLegacy();
  legacy.clear();
  const t = performance.now();
  let messages = 0;
  let quota = false;
  try {
    const parsed = JSON.parse(text) as { conversations: { messages: Message[] }[] };
    for (const c of parsed.conversations) {
      legacy.appendAll(c.messages);
      messages += c.messages.length;
    }
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
    quota = true;
  }
  const ms = performance.now() - t;
  legacy.clear();
  return { rate: (messages / ms) * 1000, quota };
}

export async function m6Import(runs: number, conversations: number): Promise<ImportRuns> {
  const { spec } = context();
  const file = await exportFile(importSpec(spec, conversations));
  let turn = 0;
  let legacyCalls = 0;
  let legacyQuotaRuns = 0;
  // Taking turns, who goes first rotating round by round: the work one system
  // leaves to the browser (a blob flushed to disk, a deleted database's files)
  // does not always fall on the same next one.
  const turns = await inTurns(runs, {
    chatkeep: () => importChatkeep(file.text, file.messages, `bench-import-${++turn}`),
    dexie: () => importDexie(file.text, file.messages, `bench-import-dexie-${++turn}`),
    legacy: async () => {
      const { rate, quota } = importLegacy(file.text);
      // The first call is the warm-up, not counted.
      if (quota && legacyCalls++ > 0) legacyQuotaRuns += 1;
      else if (!quota) legacyCalls += 1;
      return rate;
    },
  });
  return {
    ...turns,
    messages: file.messages,
    conversations: file.conversations,
    fileBytes: file.text.length,
    legacyQuotaRuns,
  };
}
