// GET /v1/sync/events: a text/event-stream that says `event: change` with the
// user's new cursor after every commit that raises their greatest version.
//
// The stream is written straight to Node's response: an open stream then
// holds its connection and two small closures, not the web streams, reader
// loop and request context of a streamed Response (7 KB of heap a stream
// instead of 26 KB; BENCHMARKS.md, IdleStreams).
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { ChangeStreams, EventStream } from '../events/change-streams.js';
import { apiSecurityHeaders } from '../middleware/security-headers.js';

/**
 * A client that stops reading while this much waits unsent (beyond what the
 * network buffers hold) is gone for our purposes: its connection is cut, which
 * frees what waits and its place among the user's streams.
 */
export const MAX_UNSENT_BYTES = 64 * 1024;

export function eventRoutes(streams: ChangeStreams) {
  const app = new Hono<AppEnv>();

  app.get('/events', (c) => {
    const res = c.env.outgoing;
    const stream: EventStream = {
      userId: c.get('userId'),
      sessionId: c.get('sessionId'),
      write(text) {
        if (res.writableEnded || res.destroyed) return;
        if (res.writableLength > MAX_UNSENT_BYTES) res.destroy();
        else res.write(text);
      },
      end: () => res.end(),
    };
    // Registered before anything is written, so a stream over the limit is a plain 429.
    streams.add(stream);
    res.once('close', () => streams.remove(stream));
    res.writeHead(200, {
      // Headers set by the middleware before this route (CORS) go out too.
      ...Object.fromEntries(c.res.headers),
      ...apiSecurityHeaders(),
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      // Proxies such as nginx pass each event on at once instead of buffering.
      'X-Accel-Buffering': 'no',
    });
    // A first comment sends the headers at once: the client knows the stream is open.
    res.write(': open\n\n');
    // Tells @hono/node-server that the answer went out already.
    return c.body(null, 200, { 'x-hono-already-sent': 'true' });
  });

  return app;
}
