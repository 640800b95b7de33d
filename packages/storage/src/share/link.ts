// A share link is `<server>/s/<id>#<key>`: the id names the stored snapshot,
// the key (in the fragment, which browsers never send) opens it.
import { normaliseServerUrl } from '../sync/http.js';

/** The link to share `id`, opened with `key`, on the server at `serverUrl`. */
export function shareLink(serverUrl: string, id: string, key: string): string {
  return `${normaliseServerUrl(serverUrl)}/s/${encodeURIComponent(id)}#${key}`;
}

/**
 * What the share page's address holds: the server it came from, the share's
 * id and its key ('' when the link lost its fragment). Undefined when the
 * address is not a share link.
 */
export function parseShareLink(href: string): { serverUrl: string; id: string; key: string } | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  const match = /^(.*)\/s\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[2]!);
  } catch {
    return undefined;
  }
  return { serverUrl: `${url.origin}${match[1]}`, id, key: url.hash.replace(/^#/, '').trim() };
}
