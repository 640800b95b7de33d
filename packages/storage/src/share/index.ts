// Share links (DESIGN.md "Share links"): an encrypted, read-only snapshot of
// one conversation that opens with the key in the link's fragment.
export { createShareClient, type ShareClient } from './client.js';
export {
  type CreatedShareLink,
  type CreateShareLinkOptions,
  checkShareSize,
  createShareLink,
} from './create.js';
export { parseShareLink, shareLink } from './link.js';
export {
  buildShareSnapshot,
  importShareSnapshot,
  readShareSnapshot,
  type ShareBranches,
  type SharedConversation,
  type ShareSnapshot,
} from './snapshot.js';
