// The share endpoints (DESIGN.md "Share links"): creating, listing and
// revoking need the owner's sign-in; reading needs only the id. Errors are
// the sync client's SyncRequestError, except the two a reader must be told
// apart: a withdrawn link (`share-withdrawn`) and an unknown one (`not-found`).

import {
  type ShareData,
  type ShareInfo,
  shareCreatedSchema,
  shareDataSchema,
  sharesResponseSchema,
} from '../crypto/wire.js';
import { ChatStorageError } from '../errors.js';
import { createServerRequest, type SyncClientOptions, SyncRequestError } from '../sync/http.js';

export interface ShareClient {
  create(token: string, data: ShareData): Promise<{ id: string }>;
  /** The owner's shares, newest first, revoked ones included. */
  list(token: string): Promise<ShareInfo[]>;
  revoke(token: string, id: string): Promise<void>;
  /** The encrypted snapshot, for anyone with the id. */
  read(id: string): Promise<ShareData>;
}

export function createShareClient(opts: SyncClientOptions): ShareClient {
  const request = createServerRequest(opts);
  const path = (id: string) => `/v1/shares/${encodeURIComponent(id)}`;
  return {
    create: (token, data) => request('/v1/shares', { method: 'POST', token, body: data }, shareCreatedSchema),
    list: async (token) =>
      (await request('/v1/shares', { method: 'GET', token }, sharesResponseSchema)).shares,
    revoke: (token, id) => request(path(id), { method: 'DELETE', token }, null),
    read: async (id) => {
      try {
        return await request(path(id), { method: 'GET' }, shareDataSchema);
      } catch (error) {
        if (error instanceof SyncRequestError && error.status === 410) {
          throw new ChatStorageError(
            'share-withdrawn',
            'This link was withdrawn by the person who shared it: the conversation is no longer available here.',
            { cause: error },
          );
        }
        if (error instanceof SyncRequestError && error.status === 404) {
          throw new ChatStorageError(
            'not-found',
            'There is no shared conversation at this link. Check that the whole link was copied.',
            { cause: error },
          );
        }
        throw error;
      }
    },
  };
}
