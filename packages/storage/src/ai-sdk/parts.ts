// Reads message parts of every AI SDK generation (v4 `parts`, v5/v6
// `UIMessage.parts`, model-message content arrays) into one bag: text for
// `content`, tool steps, and everything else for `metadata`. Nothing a part
// carries is dropped: fields with no place of their own land in `leftovers`.
import type { Attachment } from '../types.js';
import { isRecord, type JsonValue, toJson } from './json.js';
import {
  fromCoreToolCall,
  fromCoreToolResult,
  fromV4Invocation,
  fromV5ToolPart,
  type ToolStep,
} from './tools.js';

export interface Source {
  sourceType: 'url' | 'document';
  id: string;
  url?: string;
  title?: string;
  mediaType?: string;
  filename?: string;
}

export interface CollectedParts {
  texts: string[];
  reasoning: string[];
  tools: ToolStep[];
  sources: Source[];
  attachments: Attachment[];
  /** `data-*` parts, whole. */
  data: JsonValue[];
  /** Unknown parts, and the fields of known parts that have no field of their own. */
  leftovers: JsonValue[];
  /** How many `step-start` boundaries the message had. */
  steps: number;
  /** A text or reasoning part was still streaming when the message was saved. */
  streaming: boolean;
}

export function emptyParts(): CollectedParts {
  return {
    texts: [],
    reasoning: [],
    tools: [],
    sources: [],
    attachments: [],
    data: [],
    leftovers: [],
    steps: 0,
    streaming: false,
  };
}

const URL_LIKE = /^(data:|https?:|blob:|file:)/i;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** A URL for file data given as a URL, a data URL, base64 text or bytes. */
function fileUrl(data: unknown, mediaType: string): string | undefined {
  if (data instanceof URL) return data.href;
  if (typeof data === 'string') return URL_LIKE.test(data) ? data : `data:${mediaType};base64,${data}`;
  const json = toJson(data);
  return typeof json === 'string' ? `data:${mediaType};base64,${json}` : undefined;
}

function nameFromUrl(url: string | undefined): string | undefined {
  if (!url || !/^(https?|file):/i.test(url)) return undefined;
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

export function toAttachment(
  fields: { name?: unknown; mediaType?: unknown; url?: unknown; data?: unknown; size?: unknown },
  fallbackName: string,
): Attachment {
  const mediaType = str(fields.mediaType) ?? 'application/octet-stream';
  const url = str(fields.url) ?? fileUrl(fields.data, mediaType);
  const attachment: Attachment = { name: str(fields.name) ?? nameFromUrl(url) ?? fallbackName, mediaType };
  if (url) attachment.url = url;
  if (typeof fields.size === 'number' && Number.isFinite(fields.size) && fields.size >= 0) {
    attachment.size = fields.size;
  }
  return attachment;
}

export class PartCollector {
  readonly bag = emptyParts();
  private callCount = 0;

  constructor(private readonly messageId: string) {}

  private nextCallId(): string {
    this.callCount += 1;
    return `${this.messageId}:call:${this.callCount}`;
  }

  /** Keeps the fields of `part` that were not read, so nothing it carried is lost. */
  private keepRest(part: Record<string, unknown>, read: readonly string[]): void {
    const rest: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(part)) {
      if (key === 'type' || read.includes(key)) continue;
      const json = toJson(value);
      if (json !== undefined) rest[key] = json;
    }
    if (Object.keys(rest).length > 0) this.bag.leftovers.push({ type: String(part.type), ...rest });
  }

  add(raw: unknown): void {
    const { bag } = this;
    if (typeof raw === 'string') {
      bag.texts.push(raw);
      return;
    }
    if (!isRecord(raw) || typeof raw.type !== 'string') {
      const json = toJson(raw);
      if (json !== undefined) bag.leftovers.push(json);
      return;
    }
    const part = raw;
    const type = raw.type;
    if (part.state === 'streaming' && (type === 'text' || type === 'reasoning')) bag.streaming = true;

    switch (type) {
      case 'text':
        bag.texts.push(typeof part.text === 'string' ? part.text : '');
        this.keepRest(part, ['text', 'state']);
        return;
      case 'reasoning': {
        // v4 wrote `reasoning` (with `details`), v5 and model messages write `text`.
        const value = typeof part.text === 'string' ? part.text : part.reasoning;
        if (typeof value === 'string') bag.reasoning.push(value);
        this.keepRest(part, ['text', 'reasoning', 'state']);
        return;
      }
      case 'step-start':
        bag.steps += 1;
        this.keepRest(part, []);
        return;
      case 'tool-invocation':
        if (isRecord(part.toolInvocation)) {
          bag.tools.push(fromV4Invocation(part.toolInvocation, this.nextCallId()));
          this.keepRest(part, ['toolInvocation']);
          return;
        }
        break;
      case 'dynamic-tool':
        bag.tools.push(fromV5ToolPart(part, this.nextCallId()));
        return;
      case 'source-url':
      case 'source-document':
        this.addSource(part, type === 'source-url' ? 'url' : 'document', part);
        return;
      case 'source':
        // v4: the source sits in `source`, `sourceType` says which kind.
        if (isRecord(part.source)) {
          const kind = part.source.sourceType === 'document' ? 'document' : 'url';
          this.addSource({ ...part.source, sourceId: part.source.id }, kind, part);
          return;
        }
        break;
      case 'file':
        // v5: {mediaType, url, filename}; v4: {mimeType, data}; model messages: {data, mediaType|mimeType, filename}.
        bag.attachments.push(
          toAttachment(
            {
              name: part.filename ?? part.name,
              mediaType: part.mediaType ?? part.mimeType,
              url: part.url,
              data: part.data,
              size: part.size,
            },
            `file-${bag.attachments.length + 1}`,
          ),
        );
        this.keepRest(part, ['filename', 'name', 'mediaType', 'mimeType', 'url', 'data', 'size']);
        return;
      case 'image':
        bag.attachments.push(
          toAttachment(
            { mediaType: part.mediaType ?? part.mimeType ?? 'image/*', url: undefined, data: part.image },
            `image-${bag.attachments.length + 1}`,
          ),
        );
        this.keepRest(part, ['image', 'mediaType', 'mimeType']);
        return;
    }

    // A UI tool part always has a state; without one, `tool-call`/`tool-result` are model-message parts.
    if ((type === 'tool-call' || type === 'tool-result') && typeof part.state !== 'string') {
      bag.tools.push(
        type === 'tool-call'
          ? fromCoreToolCall(part, this.nextCallId())
          : fromCoreToolResult(part, this.nextCallId()),
      );
      return;
    }
    if (type.startsWith('tool-') && type.length > 'tool-'.length) {
      bag.tools.push(fromV5ToolPart(part, this.nextCallId()));
      return;
    }
    const json = toJson(part);
    if (json === undefined) return;
    if (type.startsWith('data-')) bag.data.push(json);
    else bag.leftovers.push(json);
  }

  private addSource(
    fields: Record<string, unknown>,
    kind: Source['sourceType'],
    part: Record<string, unknown>,
  ) {
    const source: Source = {
      sourceType: kind,
      id: str(fields.sourceId) ?? `source-${this.bag.sources.length + 1}`,
    };
    for (const key of ['url', 'title', 'mediaType', 'filename'] as const) {
      const value = str(fields[key]);
      if (value) source[key] = value;
    }
    this.bag.sources.push(source);
    if (part === fields) this.keepRest(part, ['sourceId', 'url', 'title', 'mediaType', 'filename']);
    else {
      const {
        sourceType: _t,
        id: _i,
        sourceId: _s,
        url: _u,
        title: _ti,
        mediaType: _m,
        filename: _f,
        ...rest
      } = fields;
      this.keepRest({ type: part.type, ...rest }, []);
    }
  }
}
