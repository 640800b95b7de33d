// DNS rebinding protection for a server bound to a loopback address: a web
// page on evil.example whose name is made to resolve to 127.0.0.1 reaches
// this server as same-origin, but its requests carry `Host: evil.example`.
// Only loopback names and addresses, and the host of CHATKEEP_PUBLIC_URL
// (for a reverse proxy on the same machine), are answered.
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../errors.js';

/** True for 127.0.0.0/8, ::1 and localhost names (a bind address or a Host's hostname). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
}

/** The hostname a Host header names, normalised as a browser would (no port, lower case). */
function hostnameOf(hostHeader: string): string | undefined {
  // A name or an IP literal and a port, nothing else (no user info, no path).
  if (!/^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i.test(hostHeader)) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

export function hostCheck(publicUrl: string | undefined): MiddlewareHandler {
  const allowed = publicUrl ? new URL(publicUrl).hostname.replace(/\.$/, '') : undefined;
  return async (c, next) => {
    const header = c.req.header('Host') ?? '';
    const hostname = hostnameOf(header);
    if (!hostname || !(isLoopbackHost(hostname) || hostname === allowed)) {
      throw new HttpError(
        403,
        'host-not-allowed',
        `This server listens on a loopback address and answers only requests for localhost${
          allowed ? ` or ${allowed}` : ''
        } (protection against DNS rebinding); this request was for ${JSON.stringify(header.slice(0, 100))}. ` +
          'If you reach it through another name, set CHATKEEP_PUBLIC_URL to that address.',
      );
    }
    await next();
  };
}
