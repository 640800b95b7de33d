// What the share page shows for its address: the decrypted conversation, or
// one sentence on why it cannot be shown (withdrawn, no such link, a missing
// or wrong key, no connection). The key is read from the fragment here and
// used only in this page: it is never part of a request.
import {
  ChatStorageError,
  createShareClient,
  parseShareLink,
  readShareSnapshot,
  type SharedConversation,
} from '@chatkeep/storage';
import { decryptShare } from '@chatkeep/storage/crypto';

export type ShareProblem =
  | 'not-a-link'
  | 'no-key'
  | 'withdrawn'
  | 'not-found'
  | 'wrong-key'
  | 'unreadable'
  | 'unreachable';

export type ShareState =
  | { kind: 'loading' }
  | { kind: 'ready'; shared: SharedConversation; snapshot: unknown }
  | { kind: 'problem'; problem: ShareProblem; title: string; message: string };

const problem = (kind: ShareProblem, title: string, message: string): ShareState => ({
  kind: 'problem',
  problem: kind,
  title,
  message,
});

export async function loadShare(href: string, opts: { fetch?: typeof fetch } = {}): Promise<ShareState> {
  const link = parseShareLink(href);
  if (!link) {
    return problem('not-a-link', 'Not a share link', 'This address is not a Chatkeep share link.');
  }
  if (!link.key) {
    return problem(
      'no-key',
      'This link is missing its key',
      'The part after “#” opens the conversation, and this link has none. Ask the person who shared it for the whole link.',
    );
  }
  let data: unknown;
  try {
    data = await createShareClient({ serverUrl: link.serverUrl, fetch: opts.fetch }).read(link.id);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ChatStorageError && error.code === 'share-withdrawn') {
      return problem('withdrawn', 'This link was withdrawn', message);
    }
    if (error instanceof ChatStorageError && error.code === 'not-found') {
      return problem('not-found', 'No conversation at this link', message);
    }
    return problem('unreachable', 'The shared conversation could not be loaded', message);
  }
  let snapshot: unknown;
  try {
    snapshot = await decryptShare(data, link.key);
  } catch (error) {
    return problem(
      'wrong-key',
      'This link’s key does not open the conversation',
      error instanceof Error ? error.message : String(error),
    );
  }
  try {
    return { kind: 'ready', shared: readShareSnapshot(snapshot), snapshot };
  } catch (error) {
    return problem(
      'unreadable',
      'The shared conversation cannot be shown',
      error instanceof Error ? error.message : String(error),
    );
  }
}
