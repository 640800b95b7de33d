// The server's one error type: every failure a client sees is
// `{error: {code, message}}` with a status and a message a person can act on.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'invalid-json'
  | 'invalid-request'
  | 'invalid-cursor'
  | 'unauthorized'
  | 'invalid-credentials'
  | 'signup-closed'
  | 'username-taken'
  | 'unsupported-media-type'
  | 'host-not-allowed'
  | 'not-found'
  | 'keys-changed'
  | 'share-revoked'
  | 'payload-too-large'
  | 'rate-limited'
  | 'too-many-streams'
  | 'internal';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}
