// Records the server refused, written once for both adapters: how a sync
// entry changes when the server refuses its stamp, when the user keeps the
// record on this device only or asks to send it again; which entries are
// listed; and the refusal in words for people.
import { ChatStorageError } from '../errors.js';
import type {
  Conversation,
  Message,
  RecordKind,
  RefusedRecord,
  RejectInput,
  SyncMetadata,
} from '../types.js';

/** Where an entry stands: refused (waits for the user), kept local-only, or neither. */
export function refusedState(meta: SyncMetadata): RefusedRecord['state'] | undefined {
  if (meta.syncStatus === 'local-only') return 'local-only';
  if (meta.syncStatus === 'pending' && meta.rejected !== undefined) return 'refused';
  return undefined;
}

/** The entry once the server refused its stamp: it leaves the outbox until the record changes or is retried. */
export function rejectedMeta(meta: SyncMetadata, reject: RejectInput, now: number): SyncMetadata {
  const refusal: NonNullable<SyncMetadata['refusal']> = { at: reject.at ?? now };
  if (reject.code !== undefined) refusal.code = reject.code;
  if (reject.limit !== undefined) refusal.limit = reject.limit;
  if (reject.size !== undefined) refusal.size = reject.size;
  return { ...meta, rejected: String(reject.reason), refusal };
}

/** The entry kept on this device only: never pushed, also after later edits (see localWriteStatus). */
export function localOnlyMeta(meta: SyncMetadata): SyncMetadata {
  return { ...meta, syncStatus: 'local-only' };
}

/** The entry sent again at its stamp: pending, without the refusal. */
export function retriedMeta(meta: SyncMetadata): SyncMetadata {
  const { rejected: _r, refusal: _f, ...rest } = meta;
  return { ...rest, syncStatus: 'pending' };
}

/** A local write's sync status: a record kept on this device only stays so. */
export function localWriteStatus(previous: SyncMetadata | undefined): 'pending' | 'local-only' {
  return previous?.syncStatus === 'local-only' ? 'local-only' : 'pending';
}

export function refusedNotFound(kind: RecordKind, id: string): ChatStorageError {
  return new ChatStorageError(
    'not-found',
    `There is no ${kind} ${id} on this device to send again or keep; it may have been deleted.`,
  );
}

/** What the adapters read to describe a refused record. */
export interface RecordReader {
  getConversation(id: string): Promise<Conversation | undefined>;
  getMessagesByIds(ids: readonly string[]): Promise<(Message | undefined)[]>;
}

const EXCERPT = 120;

/** The entries with what each record is (its conversation's title, the start of a message), newest refusal first. */
export async function describeRefused(metas: SyncMetadata[], reader: RecordReader): Promise<RefusedRecord[]> {
  const listed = metas.flatMap((meta) => {
    const state = refusedState(meta);
    return state ? [{ meta, state }] : [];
  });
  const messages = await reader.getMessagesByIds(
    listed.filter(({ meta }) => meta.kind === 'message').map(({ meta }) => meta.id),
  );
  const byId = new Map(messages.flatMap((m) => (m ? [[m.id, m] as const] : [])));
  const titles = new Map<string, string | undefined>();
  const records: RefusedRecord[] = [];
  for (const { meta, state } of listed) {
    const record: RefusedRecord = {
      kind: meta.kind,
      id: meta.id,
      projectId: meta.projectId,
      hlc: meta.hlc,
      state,
    };
    if (meta.rejected !== undefined) record.reason = meta.rejected;
    if (meta.refusal) record.refusal = meta.refusal;
    const message = meta.kind === 'message' ? byId.get(meta.id) : undefined;
    const conversationId = meta.kind === 'conversation' ? meta.id : message?.conversationId;
    if (message) {
      record.role = message.role;
      const flat = message.content
        .slice(0, EXCERPT * 4)
        .replace(/\s+/g, ' ')
        .trim();
      record.excerpt = flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
    }
    if (conversationId) {
      record.conversationId = conversationId;
      if (!titles.has(conversationId)) {
        titles.set(conversationId, (await reader.getConversation(conversationId))?.title);
      }
      const title = titles.get(conversationId);
      if (title !== undefined) record.title = title;
    }
    records.push(record);
  }
  return records.sort((a, b) => (b.refusal?.at ?? 0) - (a.refusal?.at ?? 0));
}

const MiB = 1024 * 1024;
const DAY = 24 * 60 * 60 * 1000;

/** Bytes as people read them: "5.2 MB", "4 MB", "800 KB" (binary units, as the server's limits are). */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${trim((bytes / MiB).toFixed(1))} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function trim(figure: string): string {
  return figure.endsWith('.0') ? figure.slice(0, -2) : figure;
}

function formatSpan(ms: number): string {
  if (ms >= 2 * DAY) return `${Math.floor(ms / DAY)} days`;
  const hours = Math.round(ms / 3_600_000);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/**
 * Why the server refused a record, in words: "too large: 5.2 MB, this server
 * takes up to 4 MB". Codes this client does not know fall back on the
 * server's own reason.
 */
export function describeRefusal(record: Pick<RefusedRecord, 'reason' | 'refusal'>): string {
  const { code, size, limit } = record.refusal ?? {};
  if (code === 'too-large' && size !== undefined) {
    return limit !== undefined
      ? `too large: ${formatBytes(size)}, this server takes up to ${formatBytes(limit)}`
      : `too large for this server: ${formatBytes(size)}`;
  }
  if (code === 'too-deep' && size !== undefined && limit !== undefined) {
    return `nested too deeply: ${size} levels, this server takes up to ${limit}`;
  }
  if (code === 'clock-ahead' && size !== undefined) {
    return `dated ${formatSpan(size)} ahead of the server's clock: check this device's date and time`;
  }
  if (code === 'encryption-required') {
    return 'this account keeps only end-to-end encrypted records: unlock encryption on this device';
  }
  if (code === 'malformed' && record.reason) {
    return `the server could not read it: ${record.reason}`;
  }
  return record.reason ?? 'kept on this device only';
}
