// The wire protocol is written once, in @chatkeep/storage/protocol (shared
// with the client and both storage adapters); this module re-exports it so
// that the server's imports stay short (that entry loads no storage code),
// and adds the schemas of the account-keys endpoints, which only the server
// reads and which take their shapes from @chatkeep/storage/crypto (where the
// share endpoints' schemas live, since the client reads those too).
import { keyMaterialSchema } from '@chatkeep/storage/crypto';
import { z } from 'zod';

/** GET /v1/account/keys and the answer to a PUT: written once, with the key material's shape. */
export { type AccountKeysResponse, accountKeysResponseSchema } from '@chatkeep/storage/crypto';
/** Every kind the server stores; the storage package's own RecordKind leaves out projects. */
export type { WireRecordKind as RecordKind } from '@chatkeep/storage/protocol';
export * from '@chatkeep/storage/protocol';

/** PUT /v1/account/keys: `previous` is the revision the device read (0 when there were none). */
export const accountKeysPutSchema = z.strictObject({
  keys: keyMaterialSchema,
  encrypted: z.boolean({ error: 'encrypted must be true or false' }),
  previous: z
    .number({ error: 'previous must be the revision read from GET /v1/account/keys (0 when none)' })
    .int('previous must be an integer')
    .nonnegative('previous must not be negative'),
});
export type AccountKeysPut = z.infer<typeof accountKeysPutSchema>;

/** POST /v1/shares: the encrypted snapshot itself; the key stays in the link's fragment. */
export {
  type ShareInfo,
  type SharesResponse,
  shareCreatedSchema,
  shareDataSchema as shareBodySchema,
  shareInfoSchema,
  sharesResponseSchema,
} from '@chatkeep/storage/crypto';
