// Checks one pushed change. A bad change is answered `rejected` with a reason
// while the rest of its batch applies, so this returns instead of throwing.
// The server reads only the envelope: `data` is opaque (protocol 1.1) beyond
// being a JSON object within the size and depth limits whose `id`,
// `projectId` and (for v1 clients) `conversationId` agree with the change.
import {
  idProblem,
  MAX_DATA_DEPTH,
  MAX_FUTURE_MS,
  MAX_ID_LENGTH,
  MAX_RECORD_BYTES,
  parseHlc,
  type RecordKind,
  type Refusal,
  recordKindSchema,
} from '../protocol.js';
import type { ValidChange } from '../store/types.js';
import type { RawChange, RawData } from './push-body.js';

export { idProblem };

/** A refused change: its reason for people, and `code`, `limit` and `size` for programs. */
export type ChangeCheck =
  | { ok: true; change: ValidChange }
  | ({ ok: false; kind: string; id: string } & Refusal);

/** A value shown in a reason or echoed in a result: never longer than an id may be. */
function clip(value: string): string {
  return value.length > MAX_ID_LENGTH ? `${value.slice(0, MAX_ID_LENGTH)}…` : value;
}

const quote = (value: string) => JSON.stringify(clip(value));

const malformed = (reason: string): Refusal => ({ code: 'malformed', reason });

/** `bytes` for people: "4 MiB", "64 KiB", else the plain count. */
function binarySize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function dataProblem(
  change: { id: string; projectId: string },
  data: RawData,
  maxRecordBytes: number,
): Refusal | string | undefined {
  const bytes = Buffer.byteLength(data.text, 'utf8');
  if (bytes > maxRecordBytes) {
    return {
      code: 'too-large',
      size: bytes,
      limit: maxRecordBytes,
      reason: `The record is ${bytes} bytes of JSON; a record may be at most ${maxRecordBytes} bytes (${binarySize(maxRecordBytes)}). Shorten it or store large attachments elsewhere.`,
    };
  }
  if (data.depth > MAX_DATA_DEPTH) {
    return {
      code: 'too-deep',
      size: data.depth,
      limit: MAX_DATA_DEPTH,
      reason: `The record nests ${data.depth} levels deep; data may nest at most ${MAX_DATA_DEPTH} levels. Flatten it.`,
    };
  }
  if (data.id !== undefined && data.id !== change.id) {
    return `Malformed change: data.id (${data.id === false ? 'not a string' : quote(data.id)}) differs from the change id (${quote(change.id)}).`;
  }
  if (data.projectId !== undefined && data.projectId !== change.projectId) {
    return `Malformed change: data.projectId (${data.projectId === false ? 'not a string' : quote(data.projectId)}) differs from the change projectId (${quote(change.projectId)}).`;
  }
  return undefined;
}

/**
 * `maxRecordBytes` is the protocol's 4 MiB unless the server is set to take
 * less (CHATKEEP_MAX_RECORD_BYTES).
 */
export function checkChange(raw: RawChange, now: number, maxRecordBytes = MAX_RECORD_BYTES): ChangeCheck {
  const text = (f: RawChange['kind']) => (f && 'value' in f ? f.value : undefined);
  const kindText = text(raw.kind) ?? '';
  const idText = text(raw.id) ?? '';
  // A plain reason is a malformed change; the limits name their figures.
  const reject = (refusal: string | Refusal): ChangeCheck => ({
    ok: false,
    kind: clip(kindText),
    id: clip(idText),
    ...(typeof refusal === 'string' ? malformed(refusal) : refusal),
  });
  if (raw.notAnObject) return reject('Malformed change: each change must be a JSON object.');
  if (raw.duplicateKey !== undefined) {
    return reject(`Malformed change: the key ${quote(raw.duplicateKey)} appears twice.`);
  }

  const kind = recordKindSchema.safeParse(kindText);
  if (!kind.success) {
    return reject(
      `Malformed change: kind must be ${recordKindSchema.options.map((k) => `"${k}"`).join(' or ')} (got ${raw.kind ? quote(kindText) : 'nothing'}).`,
    );
  }
  const ids: Record<'id' | 'projectId' | 'conversationId', string | undefined> = {
    id: undefined,
    projectId: undefined,
    conversationId: undefined,
  };
  for (const name of ['id', 'projectId', 'conversationId'] as const) {
    const field = raw[name];
    if (field === undefined) {
      if (name === 'conversationId') continue;
      return reject(`Malformed change: ${name} is missing.`);
    }
    if (!('value' in field)) return reject(`Malformed change: ${name} must be a string.`);
    const problem = idProblem(field.value);
    if (problem) return reject(`Malformed change: ${name} ${problem}.`);
    ids[name] = field.value;
  }
  const hlc = text(raw.hlc);
  if (hlc === undefined) return reject('Malformed change: hlc must be a string.');
  const stamp = parseHlc(hlc);
  if (!stamp) {
    return reject(
      `Malformed change: hlc ${quote(hlc)} is not a stamp of the form <15-digit ms>:<5-digit counter>:<clientId>.`,
    );
  }
  if (stamp.ms > now + MAX_FUTURE_MS) {
    return reject({
      code: 'clock-ahead',
      size: stamp.ms - now,
      limit: MAX_FUTURE_MS,
      reason: `The stamp ${hlc} is more than 24 hours ahead of the server clock (${new Date(now).toISOString()}); check this device's clock.`,
    });
  }
  if (!raw.deleted || !('value' in raw.deleted))
    return reject('Malformed change: deleted must be true or false.');
  if (!raw.data || !('value' in raw.data))
    return reject('Malformed change: data must be a JSON object or null.');
  const deleted = raw.deleted.value;
  const data = raw.data.value;
  const change: ValidChange = {
    kind: kind.data as RecordKind,
    id: ids.id!,
    projectId: ids.projectId!,
    hlc,
    deleted,
    data: null,
  };
  if (deleted) {
    if (data !== null) return reject('Malformed change: a delete (deleted: true) must carry data: null.');
    if (ids.conversationId !== undefined && kind.data === 'message')
      change.conversationId = ids.conversationId;
    return { ok: true, change };
  }
  if (data === null) {
    return reject('Malformed change: data is null but deleted is false; send the record or mark it deleted.');
  }
  const problem = dataProblem(change, data, maxRecordBytes);
  if (problem) return reject(problem);
  change.data = data.text;
  if (kind.data === 'message') {
    const fromData = data.conversationId;
    if (fromData === false) return reject('Malformed change: data.conversationId must be a string.');
    if (fromData !== undefined && ids.conversationId !== undefined && fromData !== ids.conversationId) {
      return reject(
        `Malformed change: data.conversationId (${quote(fromData)}) differs from the change conversationId (${quote(ids.conversationId)}).`,
      );
    }
    const conversationId = ids.conversationId ?? fromData;
    if (conversationId === undefined) {
      return reject('Malformed change: a message needs conversationId, on the change or in its data.');
    }
    const idIssue = idProblem(conversationId);
    if (idIssue) return reject(`Malformed change: conversationId ${idIssue}.`);
    change.conversationId = conversationId;
  }
  return { ok: true, change };
}
