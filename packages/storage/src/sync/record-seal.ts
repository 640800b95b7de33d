// One account's records on the wire with end-to-end encryption on: what goes
// out is sealed (the projectId replaced by its opaque keyed id, the whole
// record inside the ciphertext, only a message's conversationId left beside
// it for the server), and what comes in is opened and checked before any of
// it may be applied. A record that does not open is reported, never thrown
// past the page: the rest of the page still applies.
import {
  type DataKey,
  decryptRecord,
  encryptRecord,
  opaqueProjectId,
  RecordDecryptionError,
} from '../crypto/index.js';
import { ChatStorageError } from '../errors.js';
import type { QuarantinedRecord, RecordChange, ServerRecordChange } from '../types.js';
import type { OutgoingChange } from './http.js';
import { parseRemoteChanges } from './protocol.js';

export type { QuarantinedRecord };

/**
 * Whether `data` is meant as an encrypted envelope `{enc: 1, iv, ct}`: it
 * has `enc`, which no record has (their schemas take no unknown field). Only
 * sorts a page; whether the envelope is well formed is checked once, as it is
 * opened (decryptRecord), and a plaintext record is checked as one.
 */
export function isSealed(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'enc' in data;
}

/**
 * WebCrypto calls kept in flight while sealing or opening a page: enough to
 * keep the browser's crypto threads busy while the main thread encodes and
 * checks; thousands started at once queue up and take longer.
 */
const IN_FLIGHT = 32;

export type Opened =
  | { ok: true; change: ServerRecordChange }
  | { ok: false; failure: QuarantinedRecord['failure']; message: string };

export class RecordSeal {
  private readonly opaqueIds = new Map<string, Promise<string>>();
  /** Opaque project id -> the real one, for tombstones (which carry no record to read it from). */
  private readonly realIds = new Map<string, string>();

  constructor(readonly key: DataKey) {}

  /** The project id the server sees. */
  opaque(projectId: string): Promise<string> {
    let id = this.opaqueIds.get(projectId);
    if (!id) {
      id = opaqueProjectId(this.key, projectId).then((opaque) => {
        this.realIds.set(opaque, projectId);
        return opaque;
      });
      this.opaqueIds.set(projectId, id);
    }
    return id;
  }

  /** Learns the opaque ids of projects this device knows, so tombstones find their project. */
  async learn(projectIds: readonly string[]): Promise<void> {
    await Promise.all(projectIds.map((id) => this.opaque(id)));
  }

  knows(opaqueId: string): boolean {
    return this.realIds.has(opaqueId);
  }

  /** Every change sealed, in order, a few dozen in flight (as the engine's push sends them). */
  sealAll(changes: readonly RecordChange[]): Promise<OutgoingChange[]> {
    return inFlight(changes, (change) => this.seal(change));
  }

  /** Every change opened, in order, a few dozen in flight (as the engine's pull reads them). */
  openAll(changes: readonly ServerRecordChange[]): Promise<Opened[]> {
    return inFlight(changes, (change) => this.open(change));
  }

  async seal(change: RecordChange): Promise<OutgoingChange> {
    const projectId = await this.opaque(change.projectId);
    const { kind, id, hlc, deleted } = change;
    if (deleted || change.data === null) return { kind, id, projectId, hlc, deleted, data: null };
    const data = await encryptRecord(this.key, { kind, id, projectId }, change.data);
    const sealed: OutgoingChange = { kind, id, projectId, hlc, deleted, data };
    // The server needs to know which conversation a message is in (to delete it with it).
    if ('conversationId' in change.data) sealed.conversationId = change.data.conversationId;
    return sealed;
  }

  /** The record inside a pulled change, checked; or why it cannot be applied. */
  async open(change: ServerRecordChange): Promise<Opened> {
    const address = { kind: change.kind, id: change.id, projectId: change.projectId };
    if (change.deleted) {
      // No content to open: only the project id goes back to the real one (when this device knows it).
      return {
        ok: true,
        change: { ...change, projectId: this.realIds.get(change.projectId) ?? change.projectId },
      };
    }
    if (!isSealed(change.data)) {
      return {
        ok: false,
        failure: 'plaintext',
        message: `The ${change.kind} ${JSON.stringify(change.id)} came unencrypted although this account is end-to-end encrypted; it was not applied.`,
      };
    }
    let record: unknown;
    try {
      record = await decryptRecord(this.key, address, change.data);
    } catch (error) {
      if (error instanceof RecordDecryptionError) {
        return { ok: false, failure: error.failure, message: `${error.message} It was not applied.` };
      }
      throw error;
    }
    const projectId = (record as { projectId?: unknown } | null)?.projectId;
    if (typeof projectId !== 'string' || (await this.opaque(projectId)) !== change.projectId) {
      return {
        ok: false,
        failure: 'invalid-record',
        message: `The ${change.kind} ${JSON.stringify(change.id)} opened, but names another project than the one it was stored under; it was not applied.`,
      };
    }
    let opened: ServerRecordChange;
    try {
      // The same checks a page gets when applied, one record at a time: a bad one stays out alone.
      // What comes out is not checked again when applied.
      [opened] = parseRemoteChanges([{ ...change, projectId, data: record }]) as [ServerRecordChange];
    } catch (error) {
      if (!(error instanceof ChatStorageError)) throw error;
      return {
        ok: false,
        failure: 'invalid-record',
        message: `The ${change.kind} ${JSON.stringify(change.id)} opened, but is not a valid record (${error.message.replace(/^Remote change \[0\] /, '').replace(/; the page was not applied\.$/, '')}).`,
      };
    }
    return { ok: true, change: opened };
  }
}

/**
 * `work` over every item, IN_FLIGHT at a time, each one done starting the
 * next (a group awaited as a whole leaves the crypto threads idle while its
 * slowest call finishes; SealBreakdown in BENCHMARKS.md has the per-call
 * times, which on a busy machine vary more than this changes them).
 * Results keep the items' order; the first failure stops the rest.
 */
async function inFlight<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (let i = next++; i < items.length && !failed; i = next++) {
      try {
        out[i] = await work(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, worker));
  return out;
}
