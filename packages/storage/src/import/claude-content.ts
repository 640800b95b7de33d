// The content of one Claude.ai message: its text blocks become `content`,
// thinking becomes `metadata.reasoning` (shown as the answer's reasoning),
// tool_use blocks become tool calls and each tool_result a `tool` message
// after it. Cited web pages are listed as links under the answer (and in
// `metadata.sources`, as AI SDK apps keep them). What has no place of its
// own (unknown blocks, the citations as exported, the text Claude extracted
// from attached documents) is kept in `metadata.claude` and named in the
// report, never dropped.
import { toJson } from '../ai-sdk/json.js';
import type { Attachment, MessageInput, MessageMetadata, Role, ToolCall } from '../types.js';
import { isRecord } from './plan.js';
import type { ImportNote, ImportNoteKind } from './report.js';

type Json = Record<string, unknown>;

export interface ClaudeMessage {
  /** The message, then one `tool` message per tool result; undefined when it holds nothing. */
  pieces?: MessageInput[];
  /** What the report says about this message: content kept but not shown as it was. */
  notes: ImportNote[];
}

interface Base {
  id: string;
  conversationId: string;
  projectId: string;
  role: Role;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Text of a tool result's content: a string, or the text blocks of a list. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => (typeof b === 'string' ? b : isRecord(b) ? (str(b.text) ?? '') : ''))
    .filter(Boolean)
    .join('\n\n');
}

export function readClaudeMessage(m: Json, base: Base): ClaudeMessage {
  const notes: ImportNote[] = [];
  const note = (kind: ImportNoteKind, text: string, count = 1) =>
    notes.push({ kind, messageId: base.id, text, ...(count > 1 ? { count } : {}) });
  const texts: string[] = [];
  const reasoning: string[] = [];
  const calls: ToolCall[] = [];
  const results: MessageInput[] = [];
  const unknown: unknown[] = [];
  const citations: unknown[] = [];
  const blocks = Array.isArray(m.content) ? m.content : [];

  for (const block of blocks) {
    const type = isRecord(block) ? str(block.type) : undefined;
    if (!isRecord(block) || !type) {
      unknown.push(block);
      continue;
    }
    switch (type) {
      case 'text':
        if (str(block.text)) texts.push(block.text as string);
        if (Array.isArray(block.citations) && block.citations.length > 0) citations.push(...block.citations);
        break;
      case 'thinking': {
        const thought = str(block.thinking) ?? str(block.text);
        if (thought) reasoning.push(thought);
        break;
      }
      case 'tool_use':
        calls.push({
          id: str(block.id) || `${base.id}:call:${calls.length + 1}`,
          name: str(block.name) || 'tool',
          arguments: toJson(block.input) ?? null,
        });
        break;
      case 'tool_result': {
        const name = str(block.name);
        const callId =
          str(block.tool_use_id) ||
          (calls.findLast((c) => !name || c.name === name) ?? calls[calls.length - 1])?.id;
        const result: MessageInput = {
          id: `${base.id}:tool:${results.length + 1}`,
          conversationId: base.conversationId,
          projectId: base.projectId,
          role: 'tool',
          content: textOf(block.content),
          status: block.is_error === true ? 'error' : 'complete',
          toolResult: toJson(block.content) ?? null,
        };
        if (callId) result.toolCallId = callId;
        if (name) result.toolName = name;
        if (block.is_error === true) result.metadata = { error: 'The tool reported an error.' };
        results.push(result);
        break;
      }
      default:
        unknown.push(block);
    }
  }
  // Older exports have only `text`; newer ones repeat the text blocks in it.
  let text = texts.length > 0 ? texts.join('\n\n') : (str(m.text) ?? '');
  const sources = citedSources(citations);
  if (sources.length > 0) {
    text = `${text}\n\nSources:\n${sources.map((s) => `- [${markdownLabel(s.title ?? s.url)}](${s.url})`).join('\n')}`;
  }

  const metadata: MessageMetadata = {};
  const claude: Json = {};
  if (reasoning.length > 0) metadata.reasoning = reasoning.join('\n\n');
  if (str(m.model)) metadata.model = m.model as string;
  const attachments: Attachment[] = [];
  const extracted: { name: string; text: string }[] = [];
  /** Attachments and files the export names without their content. */
  const missing: string[] = [];
  for (const a of Array.isArray(m.attachments) ? m.attachments : []) {
    if (!isRecord(a)) continue;
    const attachment: Attachment = {
      name: str(a.file_name) || 'attachment',
      mediaType: str(a.file_type) || 'text/plain',
    };
    if (typeof a.file_size === 'number' && a.file_size >= 0) attachment.size = a.file_size;
    attachments.push(attachment);
    if (str(a.extracted_content))
      extracted.push({ name: attachment.name, text: a.extracted_content as string });
    else missing.push(attachment.name);
  }
  const files = Array.isArray(m.files) ? m.files : Array.isArray(m.files_v2) ? m.files_v2 : [];
  for (const f of files) {
    if (!isRecord(f)) continue;
    const fileName = str(f.file_name) || str(f.file_uuid) || 'file';
    if (attachments.some((a) => a.name === fileName)) continue;
    attachments.push({
      name: fileName,
      mediaType: str(f.file_kind) === 'image' ? 'image/*' : 'application/octet-stream',
    });
    missing.push(fileName);
  }
  if (attachments.length > 0) metadata.attachments = attachments;
  if (extracted.length > 0) {
    claude.extractedContent = extracted;
    note(
      'file',
      `The text Claude.ai extracted from ${quoted(extracted.map((e) => e.name))} is kept with the message (metadata.claude.extractedContent); the file itself is not included in the export.`,
      extracted.length,
    );
  }
  if (missing.length > 0) {
    note(
      'file',
      `${missing.length === 1 ? 'File' : 'Files'} ${quoted(missing)} ${missing.length === 1 ? 'is' : 'are'} not included in the export; listed by name only.`,
      missing.length,
    );
  }
  if (citations.length > 0) {
    claude.citations = toJson(citations) ?? [];
    if (sources.length > 0) metadata.sources = sources;
    const unlinked = citations.length - citations.filter((c) => citationUrl(c) !== undefined).length;
    note(
      'source',
      [
        sources.length > 0
          ? `${sources.length === 1 ? '1 cited source is' : `${sources.length} cited sources are`} listed as ${sources.length === 1 ? 'a link' : 'links'} under the answer (metadata.sources)`
          : '',
        unlinked > 0
          ? `${unlinked === 1 ? '1 citation without a web address is' : `${unlinked} citations without a web address are`} kept in metadata.claude.citations, not shown`
          : '',
      ]
        .filter(Boolean)
        .join('; ')
        .concat('.'),
      Math.max(sources.length, 1),
    );
  }
  if (unknown.length > 0) {
    claude.blocks = toJson(unknown) ?? [];
    const kinds = [...new Set(unknown.map((b) => (isRecord(b) && str(b.type)) || typeof b))];
    note(
      'unknown',
      `Content of type ${quoted(kinds)} is kept in metadata.claude.blocks, not shown.`,
      unknown.length,
    );
  }
  if (reasoning.length > 0)
    note('reasoning', 'Thinking is kept as the answer\'s collapsible "Reasoning" block.');
  if (calls.length + results.length > 0) {
    const what = [
      calls.length === 1 ? '1 tool use' : calls.length > 1 ? `${calls.length} tool uses` : '',
      results.length === 1 ? '1 tool result' : results.length > 1 ? `${results.length} tool results` : '',
    ].filter(Boolean);
    note(
      'tool',
      `${what.join(' and ')} ${calls.length + results.length === 1 ? 'is' : 'are'} kept as tool calls and tool messages.`,
      calls.length + results.length,
    );
  }
  if (Object.keys(claude).length > 0) metadata.claude = claude;

  const message: MessageInput = { ...base, content: text, status: 'complete' };
  if (calls.length > 0) message.toolCalls = calls;
  if (Object.keys(metadata).length > 0) message.metadata = metadata;
  const empty = text.trim() === '' && calls.length === 0 && results.length === 0 && !message.metadata;
  return { pieces: empty ? undefined : [message, ...results], notes };
}

/** A citation's web address, from the fields Claude.ai's exports have used; only http(s). */
function citationUrl(c: unknown): string | undefined {
  if (!isRecord(c)) return undefined;
  const details = isRecord(c.details) ? c.details : isRecord(c.source) ? c.source : {};
  const url = str(c.url) ?? str(details.url);
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

/** Each cited web page once, in order of first citation, as AI SDK `source-url` parts keep them. */
function citedSources(
  citations: unknown[],
): { sourceType: 'url'; id: string; url: string; title?: string }[] {
  const byUrl = new Map<string, { sourceType: 'url'; id: string; url: string; title?: string }>();
  for (const c of citations) {
    const url = citationUrl(c);
    if (!url || byUrl.has(url) || !isRecord(c)) continue;
    const details = isRecord(c.details) ? c.details : isRecord(c.source) ? c.source : {};
    const title = str(c.title) ?? str(details.title);
    byUrl.set(url, {
      sourceType: 'url',
      id: str(c.uuid) ?? `source-${byUrl.size + 1}`,
      url,
      ...(title ? { title } : {}),
    });
  }
  return [...byUrl.values()];
}

/** Text safe inside a Markdown link's brackets. */
const markdownLabel = (text: string) => text.replace(/[[\]\\]/g, '\\$&').replace(/\s+/g, ' ');

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
