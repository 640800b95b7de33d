// The client address that per-address limits count against: the socket's
// peer, or, only when the operator says how many proxies stand in front
// (CHATKEEP_TRUST_PROXY), the entry of X-Forwarded-For that the outermost
// trusted proxy wrote. Anything a client writes itself is never trusted.
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // Not served by a Node socket (app.request in a test).
  }
}

/**
 * One key per client: an IPv4 address, or the /64 network of an IPv6 one
 * (a single host usually holds a whole /64, so counting addresses would
 * count nothing). IPv4-mapped IPv6 addresses count as the IPv4 address.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** An X-Forwarded-For entry as an address: some proxies add the port (`1.2.3.4:5678`, `[2001:db8::1]:5678`). */
function forwardedAddress(entry: string | undefined): string | undefined {
  if (!entry) return undefined;
  const address =
    /^\[([^\]]+)\](?::\d+)?$/.exec(entry)?.[1] ?? entry.replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
  return isIP(address) ? address : undefined;
}

/** `trustProxy`: how many reverse proxies forward to this server (0: none, use the socket). */
export function clientAddress(c: Context, trustProxy: number): string {
  const socket = socketAddress(c) ?? 'unknown';
  if (trustProxy <= 0) return addressKey(socket);
  const forwarded = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Each trusted proxy appends the address it saw; the client may have written anything before them.
  return addressKey(forwardedAddress(forwarded[Math.max(0, forwarded.length - trustProxy)]) ?? socket);
}
