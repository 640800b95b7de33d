// The content of one Claude.ai message: its text blocks become `content`,
// thinking becomes `metadata.reasoning` (shown as the answer's reasoning),
// tool_use blocks become tool calls and each tool_result a `tool` message
// after it. What has no place of its own (unknown blocks, citations, the
// text Claude extracted from attached documents) is kept in
// `metadata.claude` and named in the report, never dropped.
import { toJson } from '../ai-sdk/json.js';
import type { Attachment, MessageInput, MessageMetadata, Role, ToolCall } from '../types.js';
import { isRecord, type SkippedItem } from './plan.js';

type Json = Record<string, unknown>;

export interface ClaudeMessage {
  /** The message, then one `tool` message per tool result; undefined when it holds nothing. */
  pieces?: MessageInput[];
  /** What the report says about this message: content kept but not shown as it was. */
  notes: SkippedItem[];
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

export function readClaudeMessage(m: Json, base: Base, at: string): ClaudeMessage {
  const notes: SkippedItem[] = [];
  const note = (reason: string) => notes.push({ id: base.id, reason: `${at}: ${reason}` });
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
  const text = texts.length > 0 ? texts.join('\n\n') : (str(m.text) ?? '');

  const metadata: MessageMetadata = {};
  const claude: Json = {};
  if (reasoning.length > 0) metadata.reasoning = reasoning.join('\n\n');
  if (str(m.model)) metadata.model = m.model as string;
  const attachments: Attachment[] = [];
  const extracted: { name: string; text: string }[] = [];
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
  }
  const files = Array.isArray(m.files) ? m.files : Array.isArray(m.files_v2) ? m.files_v2 : [];
  const missing: string[] = [];
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
      `the text of ${extracted.map((e) => `"${e.name}"`).join(', ')} is kept with the message (metadata.claude.extractedContent), not shown in the chat.`,
    );
  }
  if (missing.length > 0) {
    note(
      `${missing.length === 1 ? 'file' : `${missing.length} files`} ${missing.map((f) => `"${f}"`).join(', ')} not included in the export; listed as attachments by name only.`,
    );
  }
  if (citations.length > 0) claude.citations = toJson(citations) ?? [];
  if (unknown.length > 0) {
    claude.blocks = toJson(unknown) ?? [];
    const kinds = [...new Set(unknown.map((b) => (isRecord(b) && str(b.type)) || typeof b))];
    note(`content block ${kinds.map((k) => `"${k}"`).join(', ')} kept in metadata.claude.blocks, not shown.`);
  }
  if (Object.keys(claude).length > 0) metadata.claude = claude;

  const message: MessageInput = { ...base, content: text, status: 'complete' };
  if (calls.length > 0) message.toolCalls = calls;
  if (Object.keys(metadata).length > 0) message.metadata = metadata;
  const empty = text.trim() === '' && calls.length === 0 && results.length === 0 && !message.metadata;
  return { pieces: empty ? undefined : [message, ...results], notes };
}
