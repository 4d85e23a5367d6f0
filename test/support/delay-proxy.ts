// A reverse proxy on 127.0.0.1:0 that holds every request for a while before passing it to an upstream
// (a fake), so that many requests are in flight at once even when the fake itself answers at once.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayProxy {
  /** The upstream URL with the proxy's origin: same path prefix (e.g. `/v1`). */
  url: string;
  /** Requests currently held or being relayed. */
  readonly inFlight: number;
  /** The most requests that were in flight at once. */
  readonly peak: number;
  close(): Promise<void>;
}

export async function startDelayProxy(upstreamUrl: string, delayMs: number): Promise<DelayProxy> {
  const target = new URL(upstreamUrl);
  let inFlight = 0;
  let peak = 0;
  const server = createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        if (res.destroyed) return;
        const up = request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on('error', () => res.destroy());
        res.on('close', () => up.destroy());
        up.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    get inFlight() {
      return inFlight;
    },
    get peak() {
      return peak;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
