// Once an account has turned end-to-end encryption on, its records must
// arrive encrypted. Both stores call this inside the push transaction, with
// the account's setting read in that same transaction.

import { encryptedDataSchema } from '@chatkeep/storage/crypto';
import { describeZodError } from '@chatkeep/storage/protocol';
import type { PushOutcome, ValidChange } from '../store/types.js';

/** Why this change may not be stored on an encrypted account, or undefined when it may. */
export function plaintextRefusal(
  change: ValidChange,
): Extract<PushOutcome, { status: 'rejected' }> | undefined {
  // A tombstone carries no content: deletes stay possible.
  if (change.deleted || change.data === null) return undefined;
  // The text already passed validation as one JSON object within the limits.
  const parsed = encryptedDataSchema.safeParse(JSON.parse(change.data));
  if (parsed.success) return undefined;
  return {
    status: 'rejected',
    code: 'encryption-required',
    reason:
      `This account has end-to-end encryption on, so ${change.kind} ${JSON.stringify(change.id.slice(0, 200))} must be sent encrypted ` +
      `as data {enc: 1, iv, ct} (base64url) and nothing else (${describeZodError(parsed.error)}). ` +
      'Unlock the account keys on this device and push again, or turn encryption off first.',
  };
}
