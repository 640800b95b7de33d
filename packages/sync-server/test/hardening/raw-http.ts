// Requests written byte for byte: fetch and http.request normalise or refuse
// what an attacker sends as is (dot segments, backslashes, odd Host headers).
import { connect } from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `lines` (request line and headers, without the blank line) and an optional body. */
export function rawRequest(baseUrl: string, lines: string[], body = ''): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) });
    });
    const withLength = body ? [...lines, `Content-Length: ${Buffer.byteLength(body)}`] : lines;
    // Written, not ended: a half-closed socket may be dropped before a slow answer. The server closes it.
    socket.write(`${[...withLength, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`);
  });
}

/** A GET of `path` exactly as written, with the given Host header (the server's own by default). */
export function rawGet(baseUrl: string, path: string, host = new URL(baseUrl).host): Promise<RawReply> {
  return rawRequest(baseUrl, [`GET ${path} HTTP/1.1`, `Host: ${host}`]);
}
