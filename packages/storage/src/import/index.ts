// Import of conversations from a Chatkeep export, ChatGPT's, Claude.ai's or
// Open WebUI's data export (a JSON file, or ChatGPT's and Claude.ai's zip),
// or an array of AI SDK messages. Every conversation is saved whole or not at all
// (several small ones may share a transaction, see saveAll); ids come from
// the file, so importing the same file twice adds nothing.
import { batchSaverOf, saveConversationBatch } from '../conversation-batch.js';
import { ChatStorageError, isQuotaError } from '../errors.js';
import { isValidId } from '../schema.js';
import type { ChatStorageAdapter } from '../types.js';
import { aiSdkMessages, readAiSdkMessages } from './ai-sdk.js';
import { isChatGptExport, readChatGptExport } from './chatgpt.js';
import { isChatkeepExport, readChatkeepExport } from './chatkeep.js';
import { isClaudeExport, readClaudeExport } from './claude.js';
import { type ImportInput, importFile, isBinaryInput } from './file-input.js';
import { isOpenWebUiExport, readOpenWebUiExport } from './open-webui.js';
import {
  describeConversation,
  type ImportItem,
  type ImportPlan,
  type ReaderOptions,
  type SkippedItem,
} from './plan.js';
import { buildReport, type ImportReport } from './report.js';

export type ImportFormat = 'auto' | 'chatkeep' | 'chatgpt' | 'claude' | 'open-webui' | 'ai-sdk';

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
  /** For a zip: the conversation files read from it, in order. */
  files?: string[];
}

const EXPECTED =
  "Expected a Chatkeep export (.json from Chatkeep's export), the zip or conversations.json from ChatGPT's or Claude.ai's \"Export data\", an Open WebUI chat export, or a JSON array of AI SDK messages.";

function parseJson(text: string): unknown {
  if (typeof text !== 'string') {
    throw new ChatStorageError(
      'import-failed',
      `importConversations needs the file's text, or its bytes (a File, Blob or ArrayBuffer). ${EXPECTED}`,
    );
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
  if (isClaudeExport(data)) return 'claude';
  if (isOpenWebUiExport(data)) return 'open-webui';
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
    case 'claude':
      if (!isClaudeExport(data)) {
        throw new ChatStorageError(
          'import-failed',
          'This is not Claude.ai\'s conversations.json: expected an array of conversations, each with "chat_messages".',
        );
      }
      return readClaudeExport(data, opts);
    case 'open-webui':
      if (!isOpenWebUiExport(data)) {
        throw new ChatStorageError(
          'import-failed',
          'This is not an Open WebUI chat export: expected an array of chats, each with "chat.history".',
        );
      }
      return readOpenWebUiExport(data, opts);
    case 'ai-sdk':
      return readAiSdkMessages(data, opts);
    default:
      throw new ChatStorageError(
        'invalid-input',
        `importConversations: format must be 'auto', 'chatkeep', 'chatgpt', 'claude', 'open-webui' or 'ai-sdk', got ${JSON.stringify(format)}.`,
      );
  }
}

/**
 * Imports conversations from a file, given as its text or as its bytes (a
 * File, Blob or ArrayBuffer: zips only this way), and reports what was saved
 * and what was left out (which conversation or message, and why). Throws
 * `import-failed` when the file is not JSON, not a known format or a damaged
 * zip, and `quota-exceeded` when storage fills up (conversations saved
 * before stay).
 */
export async function importConversations(
  adapter: ChatStorageAdapter,
  input: ImportInput,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  // Checked here once: readers put it on every (already validated) message.
  if (opts.projectId !== undefined && !isValidId(opts.projectId)) {
    throw new ChatStorageError(
      'invalid-input',
      'importConversations: projectId, when given, must be a non-empty string of at most 200 characters.',
    );
  }
  const now = (opts.now ?? Date.now)();
  let result: ImportResult | undefined;
  /** The report's part of each saved conversation (its messages are not kept: a large file is read in groups). */
  const reported: Parameters<typeof buildReport>[0][number][] = [];
  /** Each file's format (a zip may hold several), recognised from its first part. */
  const formats = new Map<string, Exclude<ImportFormat, 'auto'>>();
  /** Each file's conversation ids read so far, across its groups. */
  const seen = new Map<string, Set<string>>();
  /** Reads and saves one part of a file (all of it, unless it is a large list read a group at a time). */
  const importPart = async (data: unknown, file = '') => {
    // A later group that starts with a damaged entry is still read as the file's format.
    const format =
      formats.get(file) ?? (!opts.format || opts.format === 'auto' ? detectFormat(data) : opts.format);
    formats.set(file, format);
    if (!seen.has(file)) seen.set(file, new Set());
    const plan = read(format, data, { projectId: opts.projectId, now, seen: seen.get(file) });
    result ??= {
      conversations: 0,
      messages: 0,
      skipped: [],
      conversationIds: [],
      format,
      report: { conversations: [], counts: [] },
    };
    result.skipped.push(...plan.skipped);
    for (const { conversation, notes } of await saveAll(adapter, plan.items, result)) {
      if (notes?.length)
        reported.push({ conversationId: conversation.id, title: conversation.title ?? '', notes });
    }
  };
  if (isBinaryInput(input)) {
    const files = await importFile(input, importPart, `${EXPECTED} Markdown exports cannot be imported.`);
    if (!result) throw new ChatStorageError('import-failed', `The file holds no conversations. ${EXPECTED}`);
    const done: ImportResult = result;
    if (files.length > 0) done.files = files;
    done.report = buildReport(reported);
    return done;
  }
  await importPart(parseJson(input));
  result!.report = buildReport(reported);
  return result!;
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

export type { ImportInput } from './file-input.js';
export { projectsInImport } from './inspect.js';
export type { SkippedItem } from './plan.js';
export type {
  ConversationImportReport,
  ImportCount,
  ImportNote,
  ImportNoteKind,
  ImportReport,
} from './report.js';
