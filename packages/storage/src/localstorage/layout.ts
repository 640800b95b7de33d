// What the localStorage adapter keeps under which key. Everything lives under
// `chatkeep:<dbName>:`; each conversation has a key of its own, so a write
// rewrites one conversation and a few small index keys, never the whole history.
import type { Conversation, Message, Project, RecordKind, SyncMetadata } from '../types.js';

export const LAYOUT_VERSION = 3;

/** `meta`: who this device is and how far sync got. */
export interface StoredMeta {
  layout: number;
  clientId: string;
  /** The greatest HLC stamp made or seen, so the clock resumes past it. */
  clock?: string;
  /** The pull cursor of the last applied page. */
  cursor?: string;
  /** A fresh device's download progress (JSON, see bootstrap-progress.ts). */
  bootstrap?: string;
  /**
   * Set once this database was merged into IndexedDB (the client id there),
   * just before its keys are removed: what is left of it is already there.
   */
  mergedInto?: string;
}

/**
 * `conv:<id>`: one conversation, its messages (chronological) and their sync
 * metadata. `conversation` is null while only messages of it have been pulled.
 */
export interface ConversationEntry {
  conversation: Conversation | null;
  meta?: SyncMetadata;
  messages: Message[];
  messageMetas: Record<string, SyncMetadata>;
}

/** `project:<projectId>`: the summaries of a project's conversations, by id, for listing. */
export type ProjectIndex = Record<string, Conversation>;

/** `project-records` (layout 3): each project's record and its live sync metadata, by project id. */
export type ProjectRecords = Record<string, { project: Project; meta?: SyncMetadata }>;

/** `messages`: which conversation each stored message belongs to. */
export type MessageIndex = Record<string, string>;

/** `tombstones`: the metadata of deleted records, by record key. */
export type Tombstones = Record<string, SyncMetadata>;

/** `outbox`: the stamp of every record waiting to be pushed (pending, not rejected), by record key. */
export type Outbox = Record<string, string>;

export function recordKey(kind: RecordKind, id: string): string {
  return `${kind}:${id}`;
}

export function splitRecordKey(key: string): { kind: RecordKind; id: string } {
  const at = key.indexOf(':');
  return { kind: key.slice(0, at) as RecordKind, id: key.slice(at + 1) };
}

export class Keys {
  readonly prefix: string;
  constructor(readonly dbName: string) {
    this.prefix = `chatkeep:${dbName}:`;
  }
  get meta() {
    return `${this.prefix}meta`;
  }
  get projects() {
    return `${this.prefix}projects`;
  }
  get projectRecords() {
    return `${this.prefix}project-records`;
  }
  get messages() {
    return `${this.prefix}messages`;
  }
  get tombstones() {
    return `${this.prefix}tombstones`;
  }
  get outbox() {
    return `${this.prefix}outbox`;
  }
  /** `quarantine`: the quarantine reports (JSON text, see quarantine-reports.ts). */
  get quarantine() {
    return `${this.prefix}quarantine`;
  }
  get conflicts() {
    return `${this.prefix}conflicts`;
  }
  conversation(id: string) {
    return `${this.prefix}conv:${id}`;
  }
  project(projectId: string) {
    return `${this.prefix}project:${projectId}`;
  }
  get conversationPrefix() {
    return `${this.prefix}conv:`;
  }
}
