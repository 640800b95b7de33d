// A loopback HTTP proxy in front of the real server that can answer with an
// injected status (429, 500...) or cut a response off mid-body, and counts
// the requests that pass.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Forwards the request, then sends only the first `bytes` of the server's answer and drops the connection. */
  | { kind: 'cut'; bytes: number }
  /** Drops the connection without forwarding. */
  | { kind: 'drop' }
  /** Never answers and keeps the connection open (a half-open connection, a stuck proxy). */
  | { kind: 'hang' };

export interface ProxiedRequest {
  method: string;
  path: string;
}

export interface FaultProxy {
  readonly url: string;
  /** Every request seen, in order, with the fault applied to it (if any). */
  readonly log: (ProxiedRequest & { fault?: Fault['kind']; at: number })[];
  /** Decides, per request, whether to inject a fault. */
  setFault(rule: ((req: ProxiedRequest) => Fault | undefined) | undefined): void;
  close(): Promise<void>;
}

export async function startProxy(target: () => string): Promise<FaultProxy> {
  let rule: ((req: ProxiedRequest) => Fault | undefined) | undefined;
  const log: FaultProxy['log'] = [];

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const upstream = new URL(req.url ?? '/', target());
      const out = httpRequest(
        upstream,
        { method: req.method, headers: { ...req.headers, host: upstream.host } },
        resolve,
      );
      out.on('error', reject);
      // The server may answer (a 413) and close before the whole body is sent:
      // the rest of the write then fails with EPIPE after the answer is in, which is expected.
      out.on('socket', (socket) => socket.on('error', () => {}));
      out.end(body);
    });

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const info = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const fault = rule?.(info);
    log.push({ ...info, fault: fault?.kind, at: Date.now() });
    try {
      if (fault?.kind === 'status') {
        const payload = JSON.stringify(
          fault.body ?? { error: { code: 'injected', message: `injected ${fault.status}` } },
        );
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(payload);
        return;
      }
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'hang') return;
      const upstream = await forward(req, body);
      if (!fault && String(upstream.headers['content-type']).startsWith('text/event-stream')) {
        // An event stream never ends by itself: passed on as it arrives.
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        res.flushHeaders();
        upstream.pipe(res);
        res.on('close', () => upstream.destroy());
        return;
      }
      const answer: Buffer[] = [];
      for await (const chunk of upstream) answer.push(chunk as Buffer);
      const full = Buffer.concat(answer);
      const headers = { ...upstream.headers, 'content-length': String(full.length) };
      delete headers['transfer-encoding'];
      res.writeHead(upstream.statusCode ?? 502, headers);
      if (fault?.kind === 'cut') {
        res.write(full.subarray(0, Math.min(fault.bytes, full.length - 1)));
        // Let the partial body leave, then break the connection.
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      res.end(full);
    } catch {
      // The server is down: the client sees a dropped connection, as without a proxy.
      req.socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setFault(next) {
      rule = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
