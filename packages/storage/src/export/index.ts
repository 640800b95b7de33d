// Export of conversations as Chatkeep JSON (every branch) or Markdown (the
// active branch, noting where other versions exist). Output is produced in
// chunks (one conversation read at a time, one page of messages formatted at
// a time, yielding to the event loop between pages), so a history of 100,000
// messages exports without freezing the page and without holding every
// message in memory.
import { ChatStorageError } from '../errors.js';
import type { ChatStorageAdapter, Conversation } from '../types.js';
import {
  CHATKEEP_EXPORT_FORMAT,
  CHATKEEP_EXPORT_VERSION,
  conversationInFieldOrder,
  messageInFieldOrder,
} from './format.js';
import { conversationHeader, messageSection } from './markdown.js';
import { conversationsInScope, type ExportScope, pagesOf, readTree, yieldToEventLoop } from './pages.js';

export type ExportFormat = 'json' | 'markdown';

export interface ExportOptions extends ExportScope {
  format: ExportFormat;
  /** Messages read and formatted per chunk (default 500). */
  pageSize?: number;
  /** Time written into the JSON header (default: now). */
  now?: () => number;
}

/** The file name and media type a download of this export should use. */
export function exportFileInfo(
  format: ExportFormat,
  at = Date.now(),
): { fileName: string; mediaType: string } {
  const day = new Date(at).toISOString().slice(0, 10);
  return format === 'json'
    ? { fileName: `chatkeep-export-${day}.json`, mediaType: 'application/json' }
    : { fileName: `chatkeep-export-${day}.md`, mediaType: 'text/markdown' };
}

function checkOptions(opts: ExportOptions): void {
  if (!opts || (opts.format !== 'json' && opts.format !== 'markdown')) {
    throw new ChatStorageError(
      'invalid-input',
      `exportConversations: format must be 'json' or 'markdown', got ${JSON.stringify(opts?.format)}.`,
    );
  }
  if (opts.conversationIds !== undefined && !Array.isArray(opts.conversationIds)) {
    throw new ChatStorageError(
      'invalid-input',
      'exportConversations: conversationIds must be an array of ids.',
    );
  }
  if (opts.pageSize !== undefined && (!Number.isInteger(opts.pageSize) || opts.pageSize < 1)) {
    throw new ChatStorageError('invalid-input', 'exportConversations: pageSize must be a positive integer.');
  }
}

/**
 * The export as a sequence of text chunks; concatenated they are the same
 * text `exportConversations` returns. Scope: `conversationIds` (one or a
 * selection), else `projectId` (a whole project), else every project.
 * Unknown conversation ids fail with `not-found` before anything is produced.
 */
export async function* exportConversationsStream(
  adapter: ChatStorageAdapter,
  opts: ExportOptions,
): AsyncGenerator<string, void, undefined> {
  checkOptions(opts);
  const pageSize = opts.pageSize ?? 500;
  const conversations = await conversationsInScope(adapter, opts);
  if (opts.format === 'json') {
    const exportedAt = new Date((opts.now ?? Date.now)()).toISOString();
    yield `{"format":${JSON.stringify(CHATKEEP_EXPORT_FORMAT)},"version":${CHATKEEP_EXPORT_VERSION},"exportedAt":${JSON.stringify(exportedAt)},"conversations":[`;
    for (let i = 0; i < conversations.length; i++) {
      yield* jsonConversation(adapter, conversations[i]!, i === 0, pageSize);
    }
    yield '\n]}\n';
  } else {
    for (const conversation of conversations) {
      const tree = await readTree(adapter, conversation);
      yield conversationHeader(conversation, { branches: tree.leaves });
      for (const page of pagesOf(tree.activeBranch, pageSize)) {
        yield page.map((m) => messageSection(m, tree.versionOf(m))).join('');
        await yieldToEventLoop();
      }
    }
  }
}

async function* jsonConversation(
  adapter: ChatStorageAdapter,
  conversation: Conversation,
  first: boolean,
  pageSize: number,
): AsyncGenerator<string> {
  // `{...conversation, "messages": [` without its closing brace, then one message per line.
  const head = JSON.stringify(conversationInFieldOrder(conversation));
  yield `${first ? '' : ','}\n${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"messages":[`;
  let firstMessage = true;
  for (const page of pagesOf(await adapter.loadConversation(conversation.id), pageSize)) {
    let chunk = '';
    for (const message of page) {
      chunk += `${firstMessage ? '' : ','}\n${JSON.stringify(messageInFieldOrder(message))}`;
      firstMessage = false;
    }
    yield chunk;
    await yieldToEventLoop();
  }
  yield firstMessage ? ']}' : '\n]}';
}

/**
 * The whole export as one string: for downloads of modest size and tests.
 * For large histories prefer `exportConversationsBlob` or the stream.
 */
export async function exportConversations(adapter: ChatStorageAdapter, opts: ExportOptions): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of exportConversationsStream(adapter, opts)) chunks.push(chunk);
  return chunks.join('');
}

/**
 * The export as a Blob ready for a download link. Chunks are folded into
 * intermediate Blobs as they come, so the browser can move them out of the
 * JavaScript heap while the rest is produced.
 */
export async function exportConversationsBlob(
  adapter: ChatStorageAdapter,
  opts: ExportOptions,
): Promise<Blob> {
  const { mediaType } = exportFileInfo(opts?.format);
  const parts: BlobPart[] = [];
  let pending: string[] = [];
  let pendingSize = 0;
  for await (const chunk of exportConversationsStream(adapter, opts)) {
    pending.push(chunk);
    pendingSize += chunk.length;
    if (pendingSize > 1 << 20) {
      parts.push(new Blob(pending));
      pending = [];
      pendingSize = 0;
    }
  }
  parts.push(new Blob(pending));
  return new Blob(parts, { type: `${mediaType};charset=utf-8` });
}

export type { ChatkeepExport, ExportedConversation } from './format.js';
export { CHATKEEP_EXPORT_FORMAT, CHATKEEP_EXPORT_VERSION } from './format.js';
/** One message as the Markdown export writes it (the app's "Copy message"). */
export { messageSection } from './markdown.js';
export type { ExportScope } from './pages.js';
