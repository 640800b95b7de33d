// The wire protocol is written once, in @chatkeep/storage/protocol (shared
// with the client and both storage adapters); this module only re-exports it
// so that the server's imports stay short. That entry loads no storage code.

/** Every kind the server stores; the storage package's own RecordKind leaves out projects. */
export type { WireRecordKind as RecordKind } from '@chatkeep/storage/protocol';
export * from '@chatkeep/storage/protocol';
