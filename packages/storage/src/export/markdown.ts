// Markdown rendering of conversations. The document's structure is fixed:
// one level-1 heading per conversation, one level-2 heading per message,
// tool calls and results in fenced JSON. Message text is kept as Markdown
// (it usually is Markdown) but anything in it that could open a heading,
// swallow the following messages (unclosed fences, HTML blocks) or redefine
// links elsewhere is neutralised.
import type { Attachment, Conversation, Message, Role } from '../types.js';

const ROLE_HEADINGS: Record<Role, string> = {
  user: 'User',
  assistant: 'Assistant',
  system: 'System',
  tool: 'Tool',
};

/** `2025-01-31 12:00:00 UTC`: readable and the same on every machine. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Escapes text for a single line of inline Markdown (titles, names, tags). */
export function escapeInline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>#|~&!]/g, '\\$&')
    .replace(/^([+-]|\d+[.)])(?= |$)/, (m) => m.replace(/([+\-.)])/, '\\$1'));
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * Message text as a Markdown block that cannot break the document around it:
 * headings (ATX and setext), HTML block starts and link definitions at the
 * start of a line are escaped outside code fences, and a fence left open is
 * closed.
 */
export function escapeBlock(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let fence: { char: string; length: number } | undefined;
  const out: string[] = [];
  for (const line of lines) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.length) fence = undefined;
      out.push(line);
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open?.[1] && !(open[1][0] === '`' && open[2]?.includes('`'))) {
      fence = { char: open[1][0]!, length: open[1].length };
      out.push(line);
      continue;
    }
    out.push(
      line
        .replace(/^( {0,3})(#{1,6})(?=[ \t]|$)/, '$1\\$2')
        .replace(/^( {0,3})(=+|-+)([ \t]*)$/, '$1\\$2$3')
        .replace(/^( {0,3})</, '$1\\<')
        .replace(/^( {0,3})\[(?=[^\]]*\]:)/, '$1\\['),
    );
  }
  if (fence) out.push(fence.char.repeat(fence.length));
  return out.join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside it. */
export function fenced(body: string, info = ''): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

function jsonBlock(value: unknown): string {
  const json = value === undefined ? 'null' : JSON.stringify(value, null, 2);
  return fenced(json ?? 'null', 'json');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function attachmentLine(a: Attachment): string {
  const details = [escapeInline(a.mediaType)];
  if (a.size !== undefined) details.push(formatSize(a.size));
  // An autolink cannot contain spaces or angle brackets; other URLs are shown as code.
  const url = a.url
    ? /^[a-z][a-z0-9+.-]*:[^\s<>]*$/i.test(a.url)
      ? ` <${a.url}>`
      : ` ${inlineCode(a.url)}`
    : '';
  return `- ${escapeInline(a.name) || '(unnamed)'} (${details.join(', ')})${url}`;
}

function inlineCode(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks} ${flat} ${ticks}`;
}

/** The heading and summary of one conversation, ending with a blank line. */
export function conversationHeader(c: Conversation, tree: { branches: number } = { branches: 1 }): string {
  const lines = [`# ${escapeInline(c.title) || 'Untitled conversation'}`, ''];
  lines.push(`- Created: ${formatTime(c.createdAt)}`);
  lines.push(`- Updated: ${formatTime(c.updatedAt)}`);
  lines.push(`- Project: ${escapeInline(c.projectId)}`);
  if (c.tags.length > 0) lines.push(`- Tags: ${c.tags.map(escapeInline).join(', ')}`);
  const flags = [c.pinned && 'pinned', c.archived && 'archived'].filter(Boolean);
  if (flags.length > 0) lines.push(`- Flags: ${flags.join(', ')}`);
  lines.push(`- Messages: ${c.messageCount}`);
  if (tree.branches > 1) {
    lines.push(
      `- Branches: ${tree.branches} (edited or regenerated messages); this export shows the active one, the JSON export holds every version`,
    );
  }
  if (c.forkedFrom) {
    lines.push(
      `- Forked from: conversation ${escapeInline(c.forkedFrom.conversationId)}, message ${escapeInline(c.forkedFrom.messageId)}`,
    );
  }
  lines.push(`- Id: ${escapeInline(c.id)}`);
  return `${lines.join('\n')}\n\n`;
}

/**
 * One message: a level-2 heading, a line of details (with "version 2 of 3"
 * where it has other versions), its text, tool calls, result and attachments.
 */
export function messageSection(m: Message, version?: { index: number; count: number }): string {
  const heading =
    m.role === 'tool' && m.toolName ? `Tool: ${escapeInline(m.toolName)}` : ROLE_HEADINGS[m.role];
  const details = [formatTime(m.createdAt)];
  if (m.metadata?.model) details.push(escapeInline(m.metadata.model));
  if (m.status !== 'complete') details.push(m.status);
  if (m.toolCallId) details.push(`answers ${escapeInline(m.toolCallId)}`);
  if (version) details.push(`version ${version.index} of ${version.count}`);
  const blocks = [`## ${heading}`, `_${details.join(' · ')}_`];
  if (m.content.trim() !== '') blocks.push(escapeBlock(m.content));
  for (const call of m.toolCalls ?? []) {
    blocks.push(`**Tool call:** ${escapeInline(call.name)} (${escapeInline(call.id)})`);
    // A call cut off mid-stream keeps the arguments text that arrived, which is
    // not JSON yet: shown as that text (as the app shows it), not as a quoted string.
    const cutOff = m.status !== 'complete' && typeof call.arguments === 'string';
    blocks.push(
      cutOff
        ? `${fenced(call.arguments as string, 'text')}\n\n_(arguments cut off)_`
        : jsonBlock(call.arguments),
    );
  }
  if (m.toolResult !== undefined) {
    blocks.push('**Tool result:**');
    blocks.push(jsonBlock(m.toolResult));
  }
  if (m.metadata?.error) blocks.push(`**Error:** ${escapeInline(m.metadata.error)}`);
  const attachments = m.metadata?.attachments ?? [];
  if (attachments.length > 0) {
    blocks.push('**Attachments:**');
    blocks.push(attachments.map(attachmentLine).join('\n'));
  }
  return `${blocks.join('\n\n')}\n\n`;
}
