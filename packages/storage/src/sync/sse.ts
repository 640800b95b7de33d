// A text/event-stream parser after the HTML standard's rules ("Interpreting
// an event stream"): lines end with CRLF, LF or CR; `field: value` (one
// leading space dropped); `data` lines joined with newlines; a blank line
// dispatches; lines starting with ':' are comments. Text is fed as it
// arrives, in chunks that may cut a line anywhere. Hand-written because the
// maintained parser on npm resolves to its TypeScript sources under this
// repository's `source` export condition and its current line needs Node 22.

export interface ServerSentEvent {
  /** The `event` field; `message` when absent, as EventSource does. */
  event: string;
  data: string;
  id?: string;
}

export interface SseParser {
  feed(chunk: string): void;
}

export function createSseParser(opts: {
  onEvent(event: ServerSentEvent): void;
  /** Bigger pending lines or events than this are refused (the stream is cut, not buffered). */
  maxBuffer: number;
}): SseParser {
  let pending = '';
  // A chunk ended in CR: a LF at the start of the next one belongs to that line end.
  let skipLf = false;
  let event = '';
  let data: string[] = [];
  let dataSize = 0;
  let id: string | undefined;

  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) {
        opts.onEvent({
          event: event || 'message',
          data: data.join('\n'),
          ...(id !== undefined ? { id } : {}),
        });
      }
      event = '';
      data = [];
      dataSize = 0;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') {
      dataSize += value.length + 1;
      if (dataSize > opts.maxBuffer) throw new SseOverflowError(opts.maxBuffer);
      data.push(value);
    } else if (field === 'id' && !value.includes('\u0000')) id = value;
    // `retry` and unknown fields: the client has its own reconnect policy.
  };

  return {
    feed(chunk) {
      let text = chunk;
      if (skipLf && text.startsWith('\n')) text = text.slice(1);
      skipLf = false;
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (ch !== 10 && ch !== 13) continue;
        line(pending + text.slice(start, i));
        pending = '';
        if (ch === 13) {
          if (i + 1 < text.length) {
            if (text.charCodeAt(i + 1) === 10) i++;
          } else skipLf = true;
        }
        start = i + 1;
      }
      pending += text.slice(start);
      if (pending.length > opts.maxBuffer) throw new SseOverflowError(opts.maxBuffer);
    },
  };
}

export class SseOverflowError extends Error {
  constructor(maxBuffer: number) {
    super(`An event stream line or event was over ${maxBuffer} characters.`);
  }
}
