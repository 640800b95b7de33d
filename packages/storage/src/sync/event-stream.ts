// One read of GET /v1/sync/events (protocol 1.1): opened with `fetch`
// (EventSource cannot send the bearer header), parsed as text/event-stream,
// each `change` event handed on with its cursor. Resolves when the server
// ends the stream; a refused or broken stream is a SyncRequestError, so the
// caller decides between reconnecting, falling back and signing out.
import { parseRetryAfter, SyncRequestError } from './http.js';
import { createSseParser, SseOverflowError } from './sse.js';

export interface EventStreamOptions {
  /** The server's base address, without a trailing slash. */
  base: string;
  token: string;
  fetch: typeof fetch;
  now: () => number;
  signal: AbortSignal;
  /** The stream is open: the server answered 200 with an event stream. */
  onOpen(): void;
  /** An `event: change`, with the cursor it carries (undefined when the data is not what protocol 1.1 says). */
  onChange(cursor: string | undefined): void;
  /** Any bytes arrived (pings included): the connection is alive. */
  onActivity(): void;
}

/** An SSE event or line past this is not what the server sends: stop rather than buffer it. */
const MAX_BUFFER = 64 * 1024;

export async function readEventStream(opts: EventStreamOptions): Promise<void> {
  const url = `${opts.base}/v1/sync/events`;
  let response: Response;
  try {
    response = await opts.fetch(url, {
      method: 'GET',
      headers: { accept: 'text/event-stream', authorization: `Bearer ${opts.token}` },
      signal: opts.signal,
      cache: 'no-store',
    });
  } catch (cause) {
    throw new SyncRequestError(
      'network-error',
      `Could not open the live change stream of ${opts.base}.`,
      undefined,
      undefined,
      { cause },
    );
  }
  if (!response.ok) {
    // The body is a short JSON error; it is not needed beyond its status.
    await response.body?.cancel().catch(() => {});
    throw streamRefused(response, opts.base, opts.now());
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream') || !response.body) {
    await response.body?.cancel().catch(() => {});
    // A proxy or an old server answering something else: treated as "no live events here".
    throw new SyncRequestError(
      'request-refused',
      `${url} did not answer with an event stream (content-type ${JSON.stringify(type)}).`,
      404,
    );
  }
  opts.onOpen();
  const parser = createSseParser({
    maxBuffer: MAX_BUFFER,
    onEvent(event) {
      if (event.event === 'change') opts.onChange(cursorOf(event.data));
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      opts.onActivity();
      parser.feed(value);
    }
  } catch (cause) {
    if (cause instanceof SseOverflowError) {
      throw new SyncRequestError(
        'bad-response',
        `The live change stream of ${opts.base} sent a line or event over ${MAX_BUFFER} characters; reconnecting.`,
      );
    }
    throw new SyncRequestError(
      'network-error',
      `The live change stream of ${opts.base} broke.`,
      undefined,
      undefined,
      { cause },
    );
  } finally {
    reader.cancel().catch(() => {});
  }
}

function cursorOf(data: string): string | undefined {
  try {
    const parsed = JSON.parse(data) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'cursor' in parsed) {
      const { cursor } = parsed as { cursor: unknown };
      if (typeof cursor === 'string' && cursor.length > 0) return cursor;
    }
  } catch {
    // Not JSON: still a change, just without a cursor to compare.
  }
  return undefined;
}

function streamRefused(response: Response, base: string, now: number): SyncRequestError {
  const status = response.status;
  if (status === 401) {
    return new SyncRequestError(
      'unauthorized',
      'The sync server no longer accepts this sign-in. Sign in again to resume syncing.',
      status,
    );
  }
  if (status === 429) {
    return new SyncRequestError(
      'rate-limited',
      `The sync server at ${base} has too many live streams open for this account; retrying later.`,
      status,
      parseRetryAfter(response.headers.get('retry-after'), now),
    );
  }
  if (status >= 500) {
    return new SyncRequestError(
      'server-error',
      `The live change stream of ${base} failed (HTTP ${status}).`,
      status,
      parseRetryAfter(response.headers.get('retry-after'), now),
    );
  }
  return new SyncRequestError(
    'request-refused',
    `The sync server at ${base} refused the live change stream (HTTP ${status}).`,
    status,
  );
}
