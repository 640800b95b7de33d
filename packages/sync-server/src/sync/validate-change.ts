// Checks one pushed change. A bad change is answered `rejected` with a reason
// while the rest of its batch applies, so this returns instead of throwing.
import {
  ChatStorageError,
  describeZodError,
  parseHlc,
  validateMessage,
  validateSyncedConversation,
} from '@chatkeep/storage';
import { changeSchema, MAX_FUTURE_MS, MAX_RECORD_BYTES } from '../protocol.js';
import type { ValidChange } from '../store/types.js';

export type ChangeCheck =
  | { ok: true; change: ValidChange }
  | { ok: false; kind: string; id: string; reason: string };

function field(value: unknown, key: string): string {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : '';
}

export function checkChange(raw: unknown, now: number): ChangeCheck {
  const parsed = changeSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      kind: field(raw, 'kind'),
      id: field(raw, 'id'),
      reason: `Malformed change: ${describeZodError(parsed.error)}`,
    };
  }
  const change: ValidChange = parsed.data;
  const reject = (reason: string): ChangeCheck => ({ ok: false, kind: change.kind, id: change.id, reason });

  const stamp = parseHlc(change.hlc);
  if (!stamp) {
    return reject(
      `Malformed change: hlc ${JSON.stringify(change.hlc.slice(0, 100))} is not a stamp of the form <15-digit ms>:<5-digit counter>:<clientId>.`,
    );
  }
  if (stamp.ms > now + MAX_FUTURE_MS) {
    return reject(
      `The stamp ${change.hlc} is more than 24 hours ahead of the server clock (${new Date(now).toISOString()}); check this device's clock.`,
    );
  }
  if (change.deleted) {
    if (change.data !== null)
      return reject('Malformed change: a delete (deleted: true) must carry data: null.');
    return { ok: true, change };
  }
  if (change.data === null) {
    return reject('Malformed change: data is null but deleted is false; send the record or mark it deleted.');
  }
  const bytes = Buffer.byteLength(JSON.stringify(change.data), 'utf8');
  if (bytes > MAX_RECORD_BYTES) {
    return reject(
      `The record is ${bytes} bytes; a record may be at most ${MAX_RECORD_BYTES} bytes (1 MiB). Shorten it or store large attachments elsewhere.`,
    );
  }
  try {
    const record =
      change.kind === 'conversation' ? validateSyncedConversation(change.data) : validateMessage(change.data);
    if (record.id !== change.id) {
      return reject(`Malformed change: data.id (${record.id}) differs from the change id (${change.id}).`);
    }
    if (record.projectId !== change.projectId) {
      return reject(
        `Malformed change: data.projectId (${record.projectId}) differs from the change projectId (${change.projectId}).`,
      );
    }
    if ('conversationId' in record) change.conversationId = record.conversationId;
  } catch (error) {
    if (error instanceof ChatStorageError) return reject(error.message);
    throw error;
  }
  return { ok: true, change };
}
