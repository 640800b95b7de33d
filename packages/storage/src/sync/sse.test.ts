import { describe, expect, it } from 'vitest';
import { createSseParser, type ServerSentEvent, SseOverflowError } from './sse.js';

function parse(chunks: string[], maxBuffer = 1024): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  const parser = createSseParser({ maxBuffer, onEvent: (e) => events.push(e) });
  for (const chunk of chunks) parser.feed(chunk);
  return events;
}

describe('event stream parsing', () => {
  it('reads the server’s change events and skips its comments', () => {
    expect(parse([': open\n\nevent: change\ndata: {"cursor":"MTI"}\n\n: ping\n\n'])).toEqual([
      { event: 'change', data: '{"cursor":"MTI"}' },
    ]);
  });

  it('an event cut anywhere across chunks, with CRLF, CR or LF line ends, reads the same', () => {
    const text = 'event: change\r\ndata: {"cursor":"MTI"}\r\n\r\nevent: change\rdata: b\r\rdata: c\n\n';
    const whole = parse([text]);
    expect(whole).toEqual([
      { event: 'change', data: '{"cursor":"MTI"}' },
      { event: 'change', data: 'b' },
      { event: 'message', data: 'c' },
    ]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('joins data lines with newlines, takes the value after one space, and keeps the id', () => {
    expect(parse(['id: 7\ndata:a\ndata:  b\ndata\n\n'])).toEqual([
      { event: 'message', data: 'a\n b\n', id: '7' },
    ]);
  });

  it('an event without data is not dispatched, and its type does not leak into the next', () => {
    expect(parse(['event: change\n\ndata: x\n\n'])).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('a line or an event over the limit stops the parser instead of growing without end', () => {
    expect(() => parse(['x'.repeat(2000)])).toThrow(SseOverflowError);
    expect(() => parse([`data: ${'y'.repeat(600)}\n`, `data: ${'y'.repeat(600)}\n`])).toThrow(
      SseOverflowError,
    );
  });
});
