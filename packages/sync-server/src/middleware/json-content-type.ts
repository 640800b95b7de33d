// A request body must be declared application/json (415 otherwise). A page on
// another site can send a form post (urlencoded, multipart or text/plain)
// without asking the server first; with this check such a post cannot sign
// up, log in or push. A body-less POST such as logout needs no type.
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../errors.js';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(headers: Headers): boolean {
  return headers.has('transfer-encoding') || Number(headers.get('content-length') ?? '0') > 0;
}

export function requireJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    if (WITH_BODY.has(c.req.method)) {
      const type = c.req.header('Content-Type');
      const mediaType = type?.split(';')[0]?.trim().toLowerCase();
      if ((type !== undefined || hasBody(c.req.raw.headers)) && mediaType !== 'application/json') {
        throw new HttpError(
          415,
          'unsupported-media-type',
          `Send the request body as JSON with the header Content-Type: application/json (got ${
            type === undefined ? 'no Content-Type' : JSON.stringify(type.slice(0, 100))
          }).`,
        );
      }
    }
    await next();
  };
}
