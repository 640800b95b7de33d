// "Share link": the snapshot of a conversation, encrypted under a fresh key,
// stored on the sync server; the key goes only into the link.
import { encryptShare } from '../crypto/share-cipher.js';
import type { ShareData } from '../crypto/wire.js';
import { ChatStorageError } from '../errors.js';
import { MAX_SHARE_BYTES } from '../sync/protocol.js';
import { formatBytes } from '../sync/refusals.js';
import type { ChatStorageAdapter } from '../types.js';
import { createShareClient } from './client.js';
import { shareLink } from './link.js';
import { buildShareSnapshot, type ShareBranches } from './snapshot.js';

export interface CreateShareLinkOptions {
  conversationId: string;
  branches?: ShareBranches;
  /** The sync server the owner is signed in to, and their token. */
  serverUrl: string;
  token: string;
  fetch?: typeof fetch;
}

export interface CreatedShareLink {
  id: string;
  /** `<server>/s/<id>#<key>` */
  url: string;
  /** The encrypted snapshot's size, as the server stores it. */
  bytes: number;
}

/**
 * The encrypted snapshot's size in bytes, or ChatStorageError
 * `share-too-large` saying what to share instead when the server would refuse it.
 */
export function checkShareSize(data: ShareData, branches: ShareBranches): number {
  // base64url and JSON punctuation: characters are bytes.
  const bytes = JSON.stringify(data).length;
  if (bytes > MAX_SHARE_BYTES) {
    throw new ChatStorageError(
      'share-too-large',
      `This conversation is ${formatBytes(bytes)} once encrypted, and a share link holds at most ${formatBytes(MAX_SHARE_BYTES)}. ${
        branches === 'all'
          ? 'Share only the active branch,'
          : 'Fork the part you want to share into a new conversation'
      } and try again.`,
    );
  }
  return bytes;
}

export async function createShareLink(
  adapter: ChatStorageAdapter,
  opts: CreateShareLinkOptions,
): Promise<CreatedShareLink> {
  const snapshot = await buildShareSnapshot(adapter, opts.conversationId, { branches: opts.branches });
  const { data, key } = await encryptShare(snapshot);
  const bytes = checkShareSize(data, snapshot.share.branches);
  const client = createShareClient({
    serverUrl: opts.serverUrl,
    fetch: opts.fetch,
    requestTimeoutMs: 60_000,
  });
  const { id } = await client.create(opts.token, data);
  return { id, url: shareLink(opts.serverUrl, id, key), bytes };
}
