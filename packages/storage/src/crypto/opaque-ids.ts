// With encryption on, the projectId sent to the server is a keyed hash of the
// real one: stable (every device computes the same), distinct per project,
// and meaningless without the data key.
import { toBase64url } from './base64url.js';
import type { DataKey } from './data-key.js';

const encoder = new TextEncoder();

/** HMAC-SHA256 of the project id under the data key's project-id subkey, base64url (43 characters). */
export async function opaqueProjectId(key: DataKey, projectId: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key.projectIds, encoder.encode(projectId));
  return toBase64url(new Uint8Array(mac));
}
