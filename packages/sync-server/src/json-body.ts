// Reads a JSON request body and checks it against a zod schema, answering
// 400 with what to fix when it is not JSON or not the expected shape, and 413
// when it is too large (by its Content-Length or by the bytes that arrive).
import { isUtf8 } from 'node:buffer';
import { describeZodError } from '@chatkeep/storage/protocol';
import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpError } from './errors.js';
import { MAX_BODY_BYTES } from './protocol.js';

const SMALLER_BATCHES = 'send the changes in smaller batches';

function tooLarge(maxBytes: number, whatToDo: string): HttpError {
  return new HttpError(
    413,
    'payload-too-large',
    `The request body is larger than ${maxBytes} bytes (${maxBytes / 1024 / 1024} MiB); ${whatToDo}.`,
  );
}

/**
 * The body as text, refused (413) past `maxBytes` before more arrives, and
 * (400) when it is not UTF-8. The bytes collect in one buffer that grows as
 * they arrive, to at most four times what arrived and never beyond the
 * declared Content-Length: a large body is held once (not as chunks plus a
 * joined copy), in few copies, and a client that declares 16 MiB but sends
 * little makes the server allocate little.
 */
export async function readText(
  c: Context,
  maxBytes: number,
  /** What the sender should do about a body over the limit. */
  whatToDo = SMALLER_BATCHES,
): Promise<string> {
  const declared = c.req.header('Content-Length');
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && length > maxBytes) throw tooLarge(maxBytes, whatToDo);
  const body = c.req.raw.body;
  if (!body) return '';
  const reader = body.getReader();
  const capacity = length !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : maxBytes;
  let buffer = Buffer.allocUnsafe(Math.min(capacity, 64 * 1024));
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const needed = size + value.byteLength;
    if (needed > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes, whatToDo);
    }
    if (needed > buffer.length) {
      const limit = needed <= capacity ? capacity : maxBytes;
      const grown = Buffer.allocUnsafe(Math.min(limit, needed * 4));
      buffer.copy(grown, 0, 0, size);
      buffer = grown;
    }
    buffer.set(value, size);
    size = needed;
  }
  const bytes = buffer.subarray(0, size);
  if (!isUtf8(bytes)) {
    throw new HttpError(
      400,
      'invalid-json',
      'The request body is not UTF-8 text; send JSON encoded as UTF-8.',
    );
  }
  return bytes.toString('utf8');
}

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await readText(c, MAX_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid-json', 'The request body is not valid JSON; send a JSON object.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid-request', `Invalid request body: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}
