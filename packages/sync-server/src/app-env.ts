// Hono context variables set by the middleware, and the Node request and
// response that @hono/node-server hands every request (the event stream
// writes to the response itself).
import type { HttpBindings } from '@hono/node-server';

export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    userId: string;
    /** The id of the session whose token the request carries. */
    sessionId: string;
  };
}
