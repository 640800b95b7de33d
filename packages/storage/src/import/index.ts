// Import of conversations from a Chatkeep export, ChatGPT's data export or an
// array of AI SDK messages. Every conversation is saved whole or not at all
// (several small ones may share a transaction, see saveAll); ids come from
// the file, so importing the same file twice adds nothing.
import { batchSaverOf, saveConversationBatch } from '../conversation-batch.js';
import { ChatStorageError, isQuotaError } from '../errors.js';
import { isValidId } from '../schema.js';
import type { ChatStorageAdapter } from '../types.js';
import { aiSdkMessages, readAiSdkMessages } from './ai-sdk.js';
import { isChatGptExport, readChatGptExport } from './chatgpt.js';
import { isChatkeepExport, readChatkeepExport } from './chatkeep.js';
import {
  describeConversation,
  type ImportItem,
  type ImportPlan,
  type ReaderOptions,
  type SkippedItem,
} from './plan.js';
import { buildReport, type ImportReport } from './report.js';

export type ImportFormat = 'auto' | 'chatkeep' | 'chatgpt' | 'ai-sdk';

export interface ImportOptions {
  /** Default 'auto': recognised from the content. */
  format?: ImportFormat;
  /**
   * Project to import into. ChatGPT and AI SDK files go to 'default' without
   * it; a Chatkeep file keeps the projects it was exported from.
   */
  projectId?: string;
  /** Clock for records that carry no time (default Date.now). */
  now?: () => number;
}

export interface ImportResult {
  /** Conversations saved (new or updated). */
  conversations: number;
  /** Messages saved (new or updated). */
  messages: number;
  /** What was left out, each with the conversation or message and the reason. */
  skipped: SkippedItem[];
  /** Ids of the conversations saved, in file order. */
  conversationIds: string[];
  /** The format that was read. */
  format: Exclude<ImportFormat, 'auto'>;
  /** Per saved conversation, what could not be shown as it was and what was done with it; counts per kind. */
  report: ImportReport;
}

const EXPECTED =
  'Expected a Chatkeep export (.json from Chatkeep\'s export), ChatGPT\'s conversations.json (from "Export data"), or a JSON array of AI SDK messages.';

function parseJson(text: string): unknown {
  if (typeof text !== 'string') {
    throw new ChatStorageError('import-failed', `importConversations needs the file's text. ${EXPECTED}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ChatStorageError(
      'import-failed',
      `The file is not valid JSON (${(error as Error).message}). ${EXPECTED} Markdown exports cannot be imported.`,
      { cause: error },
    );
  }
}

function detectFormat(data: unknown): Exclude<ImportFormat, 'auto'> {
  if (isChatkeepExport(data)) return 'chatkeep';
  if (isChatGptExport(data)) return 'chatgpt';
  if (aiSdkMessages(data)) return 'ai-sdk';
  throw new ChatStorageError('import-failed', `The file's format was not recognised. ${EXPECTED}`);
}

function read(format: Exclude<ImportFormat, 'auto'>, data: unknown, opts: ReaderOptions): ImportPlan {
  switch (format) {
    case 'chatkeep':
      return readChatkeepExport(data, opts);
    case 'chatgpt':
      if (!isChatGptExport(data)) {
        throw new ChatStorageError(
          'import-failed',
          'This is not ChatGPT\'s conversations.json: expected an array of conversations, each with a "mapping" of messages.',
        );
      }
      return readChatGptExport(data, opts);
    case 'ai-sdk':
      return readAiSdkMessages(data, opts);
    default:
      throw new ChatStorageError(
        'invalid-input',
        `importConversations: format must be 'auto', 'chatkeep', 'chatgpt' or 'ai-sdk', got ${JSON.stringify(format)}.`,
      );
  }
}

/**
 * Imports conversations from the text of a file and reports what was saved
 * and what was left out (which conversation or message, and why). Throws
 * `import-failed` when the text is not JSON or not a known format, and
 * `quota-exceeded` when storage fills up (conversations saved before stay).
 */
export async function importConversations(
  adapter: ChatStorageAdapter,
  text: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  // Checked here once: readers put it on every (already validated) message.
  if (opts.projectId !== undefined && !isValidId(opts.projectId)) {
    throw new ChatStorageError(
      'invalid-input',
      'importConversations: projectId, when given, must be a non-empty string of at most 200 characters.',
    );
  }
  const data = parseJson(text);
  const format = !opts.format || opts.format === 'auto' ? detectFormat(data) : opts.format;
  const plan = read(format, data, { projectId: opts.projectId, now: (opts.now ?? Date.now)() });

  const result: ImportResult = {
    conversations: 0,
    messages: 0,
    skipped: plan.skipped,
    conversationIds: [],
    format,
    report: { conversations: [], counts: [] },
  };
  const saved = await saveAll(adapter, plan.items, result);
  result.report = buildReport(
    saved.map(({ conversation, notes }) => ({
      conversationId: conversation.id,
      title: conversation.title ?? '',
      notes: notes ?? [],
    })),
  );
  return result;
}

/**
 * Messages per transaction when several conversations share one. A few
 * hundred records per transaction cost the browser far less than one
 * transaction per small conversation; a conversation is never split.
 */
const BATCH_MESSAGES = 1000;

function* batches(items: ImportItem[]): Generator<ImportItem[]> {
  let batch: ImportItem[] = [];
  let messages = 0;
  for (const item of items) {
    if (batch.length > 0 && messages + item.messages.length > BATCH_MESSAGES) {
      yield batch;
      batch = [];
      messages = 0;
    }
    batch.push(item);
    messages += item.messages.length;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Saves the plan's conversations, each whole or not at all, and records in
 * `result` which were saved. Transactions keep the browser's default
 * durability, like every other write: a conversation reported as imported
 * must survive a crash or power loss right after the report, even though the
 * file could be imported again.
 */
async function saveAll(
  adapter: ChatStorageAdapter,
  items: ImportItem[],
  result: ImportResult,
): Promise<ImportItem[]> {
  const saver = batchSaverOf(adapter);
  const saveOne = (item: ImportItem) =>
    saver ? saver[saveConversationBatch]([item]) : adapter.saveConversation(item.conversation, item.messages);
  const savedItems: ImportItem[] = [];
  const saved = (item: ImportItem) => {
    savedItems.push(item);
    result.conversations += 1;
    result.messages += item.messages.length;
    result.conversationIds.push(item.conversation.id);
  };
  for (const batch of batches(items)) {
    if (saver && batch.length > 1) {
      try {
        await saver[saveConversationBatch](batch);
        batch.forEach(saved);
        continue;
      } catch {
        // Nothing of the batch was saved. Saving its conversations one by one
        // finds the one that fails and saves the others, as if never batched.
      }
    }
    for (const item of batch) {
      const { conversation } = item;
      try {
        await saveOne(item);
      } catch (error) {
        if (isQuotaError(error)) {
          throw new ChatStorageError(
            'quota-exceeded',
            `Browser storage is full: ${result.conversations} of ${items.length} conversations were imported before it ran out, nothing of ${describeConversation(conversation.id, conversation.title)} was saved. Free space and import the file again; what is already imported will not be duplicated.`,
            { cause: error },
          );
        }
        if (!(error instanceof ChatStorageError)) throw error;
        result.skipped.push({
          id: conversation.id,
          reason: `${describeConversation(conversation.id, conversation.title)} was not imported: ${error.message}`,
        });
        continue;
      }
      saved(item);
    }
  }
  return savedItems;
}

export type { SkippedItem } from './plan.js';
export type {
  ConversationImportReport,
  ImportCount,
  ImportNote,
  ImportNoteKind,
  ImportReport,
} from './report.js';
