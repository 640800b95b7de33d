// The content of one ChatGPT message, by `content_type`: its text, the
// files, images and audio it refers to (not in the export: kept as
// attachment entries), tool input and output, reasoning, hidden context, and
// everything else it carries (kept in metadata, never dropped). Each part
// Chatkeep cannot show as ChatGPT did comes with a note for the report.
import type { Attachment } from '../types.js';
import { isRecord } from './plan.js';
import type { ImportNoteKind } from './report.js';

type Json = Record<string, unknown>;

export interface ContentNote {
  kind: ImportNoteKind;
  text: string;
  count?: number;
}

export interface Extracted {
  text: string;
  attachments: Attachment[];
  notes: ContentNote[];
  /** Everything of the content that is not read into a field here, kept in metadata. */
  extra: Json;
  /** `thoughts`: the reasoning, kept on the answer that follows. */
  reasoning?: string;
  /** `reasoning_recap`: "Thought for 2 seconds". */
  recap?: string;
  /** `user_editable_context` and other context the user never saw as chat. */
  context?: string;
  /** What a tool returned (code output, a page's text and address). */
  toolResult?: unknown;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

const kb = (bytes: number | undefined) =>
  bytes === undefined ? '' : bytes < 1024 ? ` (${bytes} B)` : ` (${Math.round(bytes / 1024)} KB)`;

/** An image, audio or video part of `multimodal_text`, as an attachment entry that has no copy of the file. */
function assetAttachment(part: Json, mediaType: string, fallback: string): Attachment {
  const pointer = str(part.asset_pointer) ?? '';
  const attachment: Attachment = { name: pointer.replace(/^[a-z-]+:\/\//, '') || fallback, mediaType };
  if (pointer) attachment.assetPointer = pointer;
  const size = num(part.size_bytes);
  if (size !== undefined) attachment.size = size;
  const width = num(part.width);
  const height = num(part.height);
  if (width !== undefined && height !== undefined) {
    attachment.width = width;
    attachment.height = height;
  }
  return attachment;
}

const ASSETS: Record<string, { mediaType: string; kind: ImportNoteKind; what: string }> = {
  image_asset_pointer: { mediaType: 'image/*', kind: 'image', what: 'Image' },
  audio_asset_pointer: { mediaType: 'audio/*', kind: 'audio', what: 'Audio' },
  video_container_asset_pointer: { mediaType: 'video/*', kind: 'file', what: 'Video' },
};

/** Reads the parts of `text` and `multimodal_text` content. */
function readParts(parts: unknown[], out: Extracted, texts: string[]): void {
  const visit = (part: unknown) => {
    if (typeof part === 'string') {
      texts.push(part);
      return;
    }
    if (!isRecord(part)) return;
    const type = str(part.content_type) ?? '';
    const asset = ASSETS[type];
    if (asset) {
      const attachment = assetAttachment(part, asset.mediaType, asset.what.toLowerCase());
      out.attachments.push(attachment);
      out.notes.push({
        kind: asset.kind,
        text: `${asset.what} ${attachment.assetPointer ?? attachment.name}${kb(attachment.size)} is not included in the export; the message shows "${asset.what} not included in the export" in its place.`,
      });
      return;
    }
    if (type === 'audio_transcription') {
      // What was said in a voice conversation: the text of the message.
      if (str(part.text)) texts.push(part.text as string);
      return;
    }
    if (type === 'real_time_user_audio_video_asset_pointer') {
      // A voice turn: its audio (and video frames) nested inside.
      if (isRecord(part.audio_asset_pointer)) visit(part.audio_asset_pointer);
      if (Array.isArray(part.frames_asset_pointers)) part.frames_asset_pointers.forEach(visit);
      if (isRecord(part.video_container_asset_pointer)) visit(part.video_container_asset_pointer);
      return;
    }
    out.notes.push({
      kind: 'unknown',
      text: `A part of type ${JSON.stringify(type || 'unknown')} is kept in the message's metadata (metadata.chatgpt.parts) but not shown.`,
    });
  };
  parts.forEach(visit);
  // Every part is kept as it was in the file, the read ones included.
  if (parts.some((p) => typeof p !== 'string')) out.extra.parts = parts.filter((p) => typeof p !== 'string');
}

/** The text of a browsing or quote result, and where it came from. */
function browsingResult(content: Json, metadata: Json, text: string): Json {
  const cite = isRecord(metadata._cite_metadata) ? metadata._cite_metadata : {};
  const first = Array.isArray(cite.metadata_list) ? cite.metadata_list.find(isRecord) : undefined;
  const result: Json = { text };
  const url = str(content.url) ?? str(first?.url);
  const title = str(content.title) ?? str(first?.title);
  const domain = str(content.domain);
  if (url) result.url = url;
  if (title) result.title = title;
  if (domain) result.domain = domain;
  return result;
}

/** Reads one message's `content` (and the parts of its `metadata` that hold content). */
export function extractContent(content: unknown, metadata: Json = {}): Extracted {
  const out: Extracted = { text: '', attachments: [], notes: [], extra: {} };
  if (!isRecord(content)) return out;
  const type = str(content.content_type) ?? 'text';
  const texts: string[] = [];
  const known = new Set(['content_type']);
  const take = (key: string) => {
    known.add(key);
    return content[key];
  };

  switch (type) {
    case 'text':
    case 'multimodal_text': {
      const parts = take('parts');
      if (Array.isArray(parts)) readParts(parts, out, texts);
      break;
    }
    case 'code': {
      const code = str(take('text')) ?? '';
      texts.push(code);
      const language = str(take('language'));
      if (language) out.extra.language = language;
      break;
    }
    case 'execution_output': {
      const output = str(take('text')) ?? '';
      texts.push(output);
      out.toolResult = { output };
      const aggregate = isRecord(metadata.aggregate_result) ? metadata.aggregate_result : undefined;
      const images = Array.isArray(aggregate?.messages)
        ? aggregate.messages.filter((m) => isRecord(m) && m.message_type === 'image')
        : [];
      for (const image of images as Json[]) {
        const pointer = str(image.image_url);
        out.attachments.push({
          name: pointer?.replace(/^[a-z-]+:\/\//, '') || 'chart',
          mediaType: 'image/*',
          ...(pointer ? { assetPointer: pointer } : {}),
        });
        out.notes.push({
          kind: 'image',
          text: `Image ${pointer ?? ''} drawn by the code is not included in the export; the result shows "Image not included in the export" in its place.`.replace(
            '  ',
            ' ',
          ),
        });
      }
      break;
    }
    case 'tether_browsing_display': {
      const result = [str(take('result')), str(take('summary'))].filter((t): t is string => !!t).join('\n\n');
      texts.push(result);
      out.toolResult = browsingResult(content, metadata, result);
      break;
    }
    case 'tether_quote': {
      const quote = str(take('text')) ?? '';
      texts.push(quote);
      take('url');
      take('title');
      take('domain');
      out.toolResult = browsingResult(content, metadata, quote);
      break;
    }
    case 'thoughts': {
      const thoughts = take('thoughts');
      out.reasoning = (Array.isArray(thoughts) ? thoughts.filter(isRecord) : [])
        .map((t) => [str(t.summary), str(t.content)].filter((s): s is string => !!s?.trim()).join('\n\n'))
        .filter((t) => t !== '')
        .join('\n\n');
      break;
    }
    case 'reasoning_recap':
      out.recap = str(take('content')) ?? '';
      break;
    case 'system_error': {
      const name = str(take('name'));
      const text = str(take('text')) ?? '';
      texts.push(name && text ? `${name}: ${text}` : name || text);
      break;
    }
    case 'user_editable_context':
    case 'model_editable_context': {
      const fields = ['user_profile', 'user_instructions', 'model_set_context', 'repository', 'repo_summary'];
      out.context = fields
        .map((f) => str(take(f)))
        .filter((t): t is string => !!t?.trim())
        .join('\n\n');
      break;
    }
    default: {
      // A type this reader does not know: whatever text it has is shown, the rest kept.
      for (const key of ['parts', 'text', 'result', 'content']) {
        const value = content[key];
        if (typeof value === 'string') texts.push(take(key) as string);
        else if (key === 'parts' && Array.isArray(value)) readParts(take(key) as unknown[], out, texts);
      }
      out.notes.push({
        kind: 'unknown',
        text: `Content of type ${JSON.stringify(type)} is kept as it was in the message's metadata (metadata.chatgpt)${texts.some((t) => t.trim()) ? '; its text is shown' : ''}.`,
      });
    }
  }
  for (const [key, value] of Object.entries(content)) {
    if (!known.has(key) && value !== null && value !== undefined) out.extra[key] = value;
  }
  out.text = texts.filter((t) => t !== '').join('\n\n');
  if (type !== 'text') out.extra.contentType = type;
  return out;
}

/** Uploaded files, with ChatGPT's file id so image parts of the same file are not listed twice. */
export function fileAttachments(metadata: Json): { fileId?: string; attachment: Attachment }[] {
  if (!Array.isArray(metadata.attachments)) return [];
  return metadata.attachments.filter(isRecord).map((a) => {
    const mediaType = str(a.mime_type) ?? str(a.mimeType);
    const attachment: Attachment = {
      name: str(a.name) ?? str(a.id) ?? 'file',
      mediaType: mediaType ?? 'application/octet-stream',
    };
    const size = num(a.size);
    if (size !== undefined) attachment.size = size;
    const width = num(a.width);
    const height = num(a.height);
    if (width !== undefined && height !== undefined) {
      attachment.width = width;
      attachment.height = height;
    }
    if (str(a.id)) attachment.assetPointer = `file-service://${a.id}`;
    return { fileId: str(a.id), attachment };
  });
}

/** What the assistant sent to a tool: JSON when it is JSON, else the code or text itself. */
export function toolArguments(text: string, content: Json): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) || Array.isArray(parsed)) return parsed;
  } catch {
    // Not JSON: code or a browser command.
  }
  if (content.content_type === 'code') {
    return typeof content.language === 'string' ? { language: content.language, code: text } : { code: text };
  }
  return { input: text };
}
