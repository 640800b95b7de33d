// The content of one ChatGPT message: its text, the files and images it
// holds, and everything else it carries (kept in metadata, never dropped).
import type { Attachment } from '../types.js';
import { isRecord } from './plan.js';

type Json = Record<string, unknown>;

// Content types whose text lives in `parts`, `text`, `result` or `content`.
const TEXT_FIELDS = ['parts', 'text', 'result', 'content'] as const;

export interface Extracted {
  text: string;
  attachments: Attachment[];
  /** Everything of the content that is not its text, kept in metadata. */
  extra: Json;
}

export function extractContent(content: unknown): Extracted {
  const out: Extracted = { text: '', attachments: [], extra: {} };
  if (!isRecord(content)) return out;
  const type = typeof content.content_type === 'string' ? content.content_type : 'text';
  const texts: string[] = [];
  const otherParts: unknown[] = [];
  for (const [key, value] of Object.entries(content)) {
    if (key === 'content_type') continue;
    if (key === 'parts' && Array.isArray(value)) {
      for (const part of value) {
        if (typeof part === 'string') texts.push(part);
        else {
          otherParts.push(part);
          const image = imageAttachment(part);
          if (image) out.attachments.push(image);
        }
      }
    } else if ((TEXT_FIELDS as readonly string[]).includes(key) && typeof value === 'string') {
      texts.push(value);
    } else if (value !== null && value !== undefined) {
      out.extra[key] = value;
    }
  }
  out.text = texts.filter((t) => t !== '').join('\n\n');
  if (type !== 'text') out.extra.contentType = type;
  if (otherParts.length > 0) out.extra.parts = otherParts;
  return out;
}

function imageAttachment(part: unknown): Attachment | undefined {
  if (!isRecord(part) || part.content_type !== 'image_asset_pointer') return undefined;
  const pointer = typeof part.asset_pointer === 'string' ? part.asset_pointer : '';
  const attachment: Attachment = {
    name: pointer.replace(/^[a-z-]+:\/\//, '') || 'image',
    mediaType: 'image/*',
  };
  if (typeof part.size_bytes === 'number' && part.size_bytes >= 0) attachment.size = part.size_bytes;
  return attachment;
}

/** Uploaded files, with ChatGPT's file id so image parts of the same file are not listed twice. */
export function fileAttachments(metadata: Json): { fileId?: string; attachment: Attachment }[] {
  if (!Array.isArray(metadata.attachments)) return [];
  return metadata.attachments.filter(isRecord).map((a) => {
    const mediaType =
      typeof a.mime_type === 'string' ? a.mime_type : typeof a.mimeType === 'string' ? a.mimeType : undefined;
    const attachment: Attachment = {
      name: typeof a.name === 'string' ? a.name : typeof a.id === 'string' ? a.id : 'file',
      mediaType: mediaType ?? 'application/octet-stream',
    };
    if (typeof a.size === 'number' && a.size >= 0) attachment.size = a.size;
    return { fileId: typeof a.id === 'string' ? a.id : undefined, attachment };
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
