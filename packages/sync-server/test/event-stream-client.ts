// Reads GET /v1/sync/events as a client does (fetch with a bearer header),
// parsing events and comments as they arrive.
export interface ReceivedEvent {
  event: string;
  data: string;
  at: number;
}

export interface EventStreamClient {
  status: number;
  headers: Headers;
  /** The error body when the stream was refused. */
  body?: unknown;
  events: ReceivedEvent[];
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Resolves with the first event after `from` (an index into events) matching, or rejects after `timeoutMs`. */
  next(from: number, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): void;
}

export async function openEvents(baseUrl: string, token: string): Promise<EventStreamClient> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/v1/sync/events`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const events: ReceivedEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  if (res.status !== 200) {
    return {
      status: res.status,
      headers: res.headers,
      body: await res.json(),
      events,
      comments,
      ended: Promise.resolve(),
      next: () => Promise.reject(new Error(`the stream was refused with ${res.status}`)),
      close: () => {},
    };
  }
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = block.split('\n');
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          if (event !== undefined) events.push({ event, data: data ?? '', at: performance.now() });
          for (const line of lines) if (line.startsWith(':')) comments.push(line.slice(1).trim());
          notify();
        }
      }
    } catch {
      // Aborted by close(): the stream is over either way.
    } finally {
      notify();
    }
  })();
  let over = false;
  void ended.then(() => {
    over = true;
  });
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    ended,
    next(from, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (events.length > from) {
            cleanup();
            resolve(events[from]!);
          } else if (over) {
            cleanup();
            reject(new Error('the stream ended before the event'));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no event within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}
