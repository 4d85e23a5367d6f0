// The benchmark's upstream: an OpenAI-compatible chat endpoint that answers as fast as Node can, in its
// own process. Non-streaming answers carry usage; streams send 20 one-token chunks (the last with
// finish_reason), a usage chunk when asked and [DONE], either back-to-back or paced. Every stream event
// carries `bench_sent_us`, the CLOCK_MONOTONIC time (process.hrtime, µs) it was written at, which any
// process on this machine can compare with its own hrtime: that is how the client sees how long each
// chunk spent inside a proxy.
//
// Usage: node bench/upstream.ts [--port 0]; prints `listening on http://127.0.0.1:<port>`.
// POST /_bench/mode {"paceMs": 10} switches streams to paced (0 = back-to-back).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { nowUs, PROMPT_TOKENS, STREAM_TOKENS } from './wire.ts';

const TOKENS = Array.from({ length: STREAM_TOKENS }, (_, i) => `tok${i} `);
const REPLY = TOKENS.join('');

let paceMs = 0;

function usage() {
  return {
    prompt_tokens: PROMPT_TOKENS,
    completion_tokens: STREAM_TOKENS,
    total_tokens: PROMPT_TOKENS + STREAM_TOKENS,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

function chunk(model: string, created: number, i: number): string {
  const delta = i === 0 ? { role: 'assistant', content: TOKENS[i] } : { content: TOKENS[i] };
  const last = i === STREAM_TOKENS - 1;
  const event = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: last ? 'stop' : null }],
    bench_sent_us: nowUs(),
  };
  return `data: ${JSON.stringify(event)}\n\n`;
}

function tail(model: string, created: number, withUsage: boolean): string {
  const usageEvent = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [],
    usage: usage(),
    bench_sent_us: nowUs(),
  };
  return (withUsage ? `data: ${JSON.stringify(usageEvent)}\n\n` : '') + 'data: [DONE]\n\n';
}

function stream(res: ServerResponse, body: ChatBody): void {
  const model = body.model ?? 'bench-model';
  const created = Math.floor(Date.now() / 1000);
  const withUsage = body.stream_options?.include_usage === true;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const pace = paceMs;
  if (pace <= 0) {
    for (let i = 0; i < STREAM_TOKENS; i++) res.write(chunk(model, created, i));
    res.end(tail(model, created, withUsage));
    return;
  }
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    res.write(chunk(model, created, i++));
    if (i < STREAM_TOKENS) setTimeout(next, pace);
    else res.end(tail(model, created, withUsage));
  };
  next();
}

function chat(res: ServerResponse, body: ChatBody): void {
  if (body.stream === true) return stream(res, body);
  sendJson(res, 200, {
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'bench-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: REPLY, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usage(),
  });
}

function handle(req: IncomingMessage, res: ServerResponse, text: string): void {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    return sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
  }
  const path = (req.url ?? '/').split('?', 1)[0];
  if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
    return chat(res, body as ChatBody);
  }
  if (req.method === 'POST' && path === '/_bench/mode') {
    paceMs = Number((body as { paceMs?: unknown }).paceMs) || 0;
    return sendJson(res, 200, { paceMs });
  }
  if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
    return sendJson(res, 200, { object: 'list', data: [{ id: 'bench-model', object: 'model' }] });
  }
  sendJson(res, 404, { error: { message: `no route for ${req.method} ${path}`, type: 'not_found' } });
}

function main(): void {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(parts).toString('utf8')));
  });
  // Proxies keep their upstream connections for the whole run; Node's 5 s default would reconnect mid-phase.
  server.keepAliveTimeout = 120_000;
  server.listen(Number(values.port), '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  });
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
