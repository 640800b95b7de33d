// Pull cursors are opaque to clients: base64url of the server version. An
// encoded cursor always starts with "M" (the base64 of an ASCII digit), so a
// plain version number ("1234") is accepted too without ambiguity.
import { HttpError } from '../errors.js';

export function encodeCursor(version: number): string {
  return Buffer.from(String(version), 'utf8').toString('base64url');
}

/** The version a cursor stands for; `undefined`, '' and '0' mean the beginning. */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '' || cursor === '0') return 0;
  if (/^[1-9]\d{0,14}$/.test(cursor)) return Number(cursor);
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const version = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(version) || encodeCursor(version) !== cursor) {
    throw new HttpError(
      400,
      'invalid-cursor',
      'The pull cursor is not one this server issued. Pass back the cursor of a previous pull, or omit since (or use 0) to start from the beginning.',
    );
  }
  return version;
}
