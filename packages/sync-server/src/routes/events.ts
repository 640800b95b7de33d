// GET /v1/sync/events: a text/event-stream that says `event: change` with the
// user's new cursor after every commit that raises their greatest version.
import { Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { AppEnv } from '../app-env.js';
import type { ChangeStreams, EventStream } from '../events/change-streams.js';

export function eventRoutes(streams: ChangeStreams) {
  const app = new Hono<AppEnv>();

  app.get('/events', (c) => {
    let sse: SSEStreamingApi | undefined;
    let ended!: () => void;
    const done = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const stream: EventStream = {
      userId: c.get('userId'),
      sessionId: c.get('sessionId'),
      write: (text) => {
        sse?.write(text).catch(() => ended());
      },
      end: () => ended(),
    };
    // Registered before the response starts, so a stream over the limit is a plain 429.
    streams.add(stream);
    return streamSSE(c, async (api) => {
      sse = api;
      api.onAbort(() => ended());
      // A first comment sends the headers at once: the client knows the stream is open.
      stream.write(': open\n\n');
      await done;
      streams.remove(stream);
    });
  });

  return app;
}
