// The stored form of the quarantine reports (sync/encryption.ts), shared by
// both adapters. A stored value that cannot be read counts as none: the
// reports are for people, and a record that still does not open is reported
// again when it comes again.
import './zod-config.js';
import { z } from 'zod';
import { ChatStorageError } from './errors.js';
import { describeZodError } from './schema.js';
import type { QuarantinedRecord } from './types.js';

const reportSchema = z.object({
  kind: z.string(),
  id: z.string(),
  hlc: z.string(),
  version: z.number(),
  failure: z.enum(['authentication-failed', 'malformed', 'not-json', 'plaintext', 'invalid-record']),
  message: z.string(),
  at: z.number(),
});
const reportsSchema = z.array(reportSchema);

/** The reports in a stored JSON text (none stored, or unreadable: an empty list). */
export function readQuarantined(text: string | undefined | null): QuarantinedRecord[] {
  if (text === undefined || text === null) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const parsed = reportsSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** The reports as stored text, or undefined for none; throws on a report that does not fit, before anything is written. */
export function writeQuarantined(records: QuarantinedRecord[]): string | undefined {
  const parsed = reportsSchema.safeParse(records);
  if (!parsed.success) {
    throw new ChatStorageError(
      'invalid-input',
      `setQuarantined: every report must be {kind, id, hlc, version, failure, message, at}: ${describeZodError(parsed.error)}`,
    );
  }
  return parsed.data.length === 0 ? undefined : JSON.stringify(parsed.data);
}
