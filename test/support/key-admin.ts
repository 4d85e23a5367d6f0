// Small HTTP helpers for tests of per-app keys: LiteLLM's /key/* routes with the master key, raw chat
// requests that keep the status and headers, and a webhook receiver.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyGenerateInput, KeyInfo } from '../../shared/admin/keys.ts';

export async function generateKey(
  url: string,
  master: string,
  settings: KeyGenerateInput = {},
): Promise<KeyInfo & { key: string }> {
  const res = await fetch(`${url}/key/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${master}` },
    body: JSON.stringify(settings),
  });
  const body = (await res.json()) as KeyInfo & { key: string };
  if (res.status !== 200) throw new Error(`/key/generate answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export async function keyInfo(url: string, master: string, ref: string): Promise<KeyInfo> {
  const res = await fetch(`${url}/key/info?key=${encodeURIComponent(ref)}`, {
    headers: { authorization: `Bearer ${master}` },
  });
  const body = (await res.json()) as { info: KeyInfo };
  if (res.status !== 200) throw new Error(`/key/info answered ${res.status}: ${JSON.stringify(body)}`);
  return body.info;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON for JSON answers; the raw text for streams. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary fields
}

/** POST /v1/chat/completions with fetch, so a test sees the exact status, headers and body. */
export async function rawChat(url: string, key: string, body: Record<string, unknown>): Promise<RawResponse> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('application/json');
  return { status: res.status, headers: res.headers, body: json ? JSON.parse(text) : text };
}

export interface WebhookReceiver {
  url: string;
  received: { headers: IncomingHttpHeaders; body: unknown }[];
  close(): Promise<void>;
}

/** A tiny node:http server on 127.0.0.1:0 that records every JSON body POSTed to it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text: the assertion will show what arrived
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
