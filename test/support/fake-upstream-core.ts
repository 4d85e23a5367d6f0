// What the fake upstreams (fake-openai.ts, fake-ollama.ts) share: a node:http server on 127.0.0.1 that
// records every request and can be scripted to fail, hang, cut a stream short or insist on a key.
// Each fake supplies only its wire format.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface FakeError {
  status: number;
  message: string;
  /** Only the next N requests fail; every request while unset. */
  times?: number;
  /** OpenAI's error `type` / `code` (the Ollama fake sends only the message, as Ollama does). */
  type?: string;
  code?: string | null;
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Record<string, string>;
}

export interface FakeBehavior {
  /** The text the fake model generates. */
  reply: string;
  /** Split the reply into this many chunks; unset: one word (with its trailing space) per chunk. */
  chunks: number | undefined;
  chunkDelayMs: number;
  /** Whether usage (token counts) is reported at all. */
  usage: boolean;
  finishReason: 'stop' | 'length';
  /** Answer with this HTTP error instead. */
  error: FakeError | undefined;
  /** Never answer (not even headers), to test timeouts. */
  hang: boolean;
  /** Answer 200 with a JSON content type and a body that does not parse. */
  malformedJson: boolean;
  /** Wait this long before answering anything (headers included), e.g. to hold a request in flight. */
  latencyMs: number;
  /** Wait this long after a stream's headers before its first event (a slow first token). */
  firstTokenDelayMs: number;
  /** Fail this share (0–1) of requests at random with this status, independently of `error`. */
  flaky: { rate: number; status: number } | undefined;
  /** Destroy the socket after this many content chunks of a stream. */
  dropAfterChunks: number | undefined;
  /** End the response cleanly after this many content chunks, without finish, usage or terminator. */
  endAfterChunks: number | undefined;
  /** Send the wire format's in-band error after this many content chunks, then end the stream. */
  midStreamError: { afterChunks: number; message: string } | undefined;
  /** Require `Authorization: Bearer <apiKey>`; a wrong or missing key gets 401. */
  apiKey: string | undefined;
  /** Answer with these tool calls instead of text when the request offers `tools`. */
  toolCalls: FakeToolCall[] | undefined;
  /** Listed by the models endpoint. */
  models: string[];
  /** Answer 404 (in the wire format's own words) for a model not in `models`. */
  rejectUnknownModels: boolean;
  embeddingDimensions: number;
}

export const DEFAULT_BEHAVIOR: FakeBehavior = {
  reply: 'Hello from the fake upstream, nice to meet you.',
  chunks: undefined,
  chunkDelayMs: 0,
  usage: true,
  finishReason: 'stop',
  error: undefined,
  hang: false,
  malformedJson: false,
  latencyMs: 0,
  firstTokenDelayMs: 0,
  flaky: undefined,
  dropAfterChunks: undefined,
  endAfterChunks: undefined,
  midStreamError: undefined,
  apiKey: undefined,
  toolCalls: undefined,
  models: ['fake-model', 'fake-embed'],
  rejectUnknownModels: false,
  embeddingDimensions: 8,
};

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions` or `/api/chat`. */
  path: string;
  /** The query string's parameters (e.g. a models listing's pagination cursor). */
  query?: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary fields
  /** Set when the client went away before the response was complete. */
  aborted: boolean;
  /** Date.now() when the body had arrived. */
  receivedAt: number;
}

export interface FakeUpstream {
  /** Base URL to configure as api_base. */
  url: string;
  requests: RecordedRequest[];
  /**
   * Recorded requests whose client went away before the response was complete (streams cut short,
   * timed-out hangs). Derived from `requests`, so a late close from before `reset()` never counts.
   */
  readonly aborts: number;
  /** Resolves once `aborts` reaches `count`; rejects after `timeoutMs`. */
  waitForAborts(count?: number, timeoutMs?: number): Promise<void>;
  /** Merges into the current behaviour. */
  setBehavior(patch: Partial<FakeBehavior>): void;
  /** Back to the start options; forgets recorded requests and aborts. */
  reset(): void;
  close(): Promise<void>;
}

export interface Exchange {
  req: RecordedRequest;
  res: ServerResponse;
  behavior: FakeBehavior;
  /** Marks a connection the fake cut on purpose, so it is not counted as a client abort. */
  markDropped(): void;
}

export interface WireFormat {
  /** Routes keyed `METHOD /path`. */
  routes: Record<string, (ex: Exchange) => Promise<void> | void>;
  /** The body this API sends with an HTTP error. */
  errorBody(status: number, err: Omit<FakeError, 'status' | 'times'>): unknown;
  unknownModel(model: string): { status: number; message: string; type?: string; code?: string };
  /** How this API takes its key and words a wrong one; unset: `Authorization: Bearer`, OpenAI's words. */
  auth?: {
    sentKey(headers: IncomingHttpHeaders): string | undefined;
    rejection(sent: string | undefined): Omit<FakeError, 'status' | 'times'>;
  };
  /** Headers this API always sends with an error of this status (e.g. Anthropic's `retry-after` on 429). */
  errorHeaders?(status: number): Record<string, string>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function splitReply(reply: string, chunks: number | undefined): string[] {
  if (chunks === undefined) return reply.match(/\s*\S+\s*/g) ?? (reply ? [reply] : []);
  const size = Math.ceil(reply.length / Math.max(1, chunks));
  const out: string[] = [];
  for (let i = 0; i < reply.length; i += size) out.push(reply.slice(i, i + size));
  return out;
}

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** Prompt tokens the fakes report: whitespace-separated words in messages, prompt or input text. */
export function promptWords(body: unknown): number {
  const b = (body ?? {}) as { messages?: { content?: unknown }[]; prompt?: unknown; input?: unknown };
  let n = 0;
  const count = (v: unknown): void => {
    if (typeof v === 'string') n += words(v);
    else if (Array.isArray(v)) v.forEach(count);
    else if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') {
      n += words((v as { text: string }).text);
    }
  };
  for (const m of b.messages ?? []) count(m.content);
  count(b.prompt);
  count(b.input);
  return n;
}

/** Deterministic vector whose values are exact in float32, so base64 round trips compare equal. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, j) => (((text.length + j * 3) % 17) - 8) / 8);
}

export interface StreamPlan {
  contentType: string;
  /** Sent before the content (e.g. OpenAI's role chunk). */
  head: string[];
  /** One serialized event per content chunk: these count for drops and mid-stream errors. */
  content: string[];
  /** Finish, usage and terminator events. */
  tail: string[];
  errorEvent(message: string): string;
}

/** Writes a stream event by event with the scripted delays, drops and in-band errors. */
export async function writeStream(ex: Exchange, plan: StreamPlan): Promise<void> {
  const { res, behavior } = ex;
  res.writeHead(200, { 'content-type': plan.contentType, 'cache-control': 'no-cache' });
  res.flushHeaders();
  if (behavior.firstTokenDelayMs > 0) await sleep(behavior.firstTokenDelayMs);
  if (res.destroyed) return;
  for (const event of plan.head) res.write(event);
  for (let i = 0; i <= plan.content.length; i++) {
    if (behavior.dropAfterChunks === i) {
      ex.markDropped();
      res.socket?.destroy();
      return;
    }
    if (behavior.endAfterChunks === i) {
      res.end();
      return;
    }
    if (behavior.midStreamError?.afterChunks === i) {
      res.end(plan.errorEvent(behavior.midStreamError.message));
      return;
    }
    const event = plan.content[i];
    if (event === undefined) break;
    if (behavior.chunkDelayMs > 0) await sleep(behavior.chunkDelayMs);
    if (res.destroyed) return;
    res.write(event);
  }
  res.end(plan.tail.join(''));
}

export async function startFakeServer(
  wire: WireFormat,
  basePath: string,
  start: Partial<FakeBehavior>,
): Promise<FakeUpstream> {
  let behavior: FakeBehavior = { ...DEFAULT_BEHAVIOR, ...start };
  const requests: RecordedRequest[] = [];
  const abortCount = (): number => requests.filter((r) => r.aborted).length;
  let abortWaiters: (() => void)[] = [];
  const dropped = new WeakSet<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text || undefined;
    try {
      if (text) body = JSON.parse(text);
    } catch {
      // keep the raw text: a test may want to see what was sent
    }
    const [path = '/', search = ''] = (req.url ?? '/').split('?');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query: new URLSearchParams(search),
      headers: req.headers,
      body,
      aborted: false,
      receivedAt: Date.now(),
    };
    requests.push(recorded);
    res.on('close', () => {
      if (res.writableFinished || dropped.has(res)) return;
      recorded.aborted = true;
      for (const wake of abortWaiters) wake();
    });

    const b = behavior;
    if (b.hang) return;
    if (b.latencyMs > 0) await sleep(b.latencyMs);
    if (res.destroyed) return;
    if (wire.auth && b.apiKey !== undefined) {
      const sent = wire.auth.sentKey(req.headers);
      if (sent !== b.apiKey) return sendJson(res, 401, wire.errorBody(401, wire.auth.rejection(sent)));
    } else if (b.apiKey !== undefined && req.headers.authorization !== `Bearer ${b.apiKey}`) {
      const sent = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const message = `Incorrect API key provided: ${sent || '(none)'}.`;
      return sendJson(
        res,
        401,
        wire.errorBody(401, { message, type: 'invalid_request_error', code: 'invalid_api_key' }),
      );
    }
    if (b.error) {
      const { status, times, headers, ...rest } = b.error;
      if (times !== undefined)
        behavior = { ...behavior, error: times > 1 ? { ...b.error, times: times - 1 } : undefined };
      return sendJson(res, status, wire.errorBody(status, rest), {
        ...wire.errorHeaders?.(status),
        ...headers,
      });
    }
    if (b.flaky && Math.random() < b.flaky.rate) {
      const { status } = b.flaky;
      return sendJson(res, status, wire.errorBody(status, { message: 'random failure (flaky fake)' }));
    }
    if (b.malformedJson && path !== `${basePath}/models`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"id": "chatcmpl-broken", "choices": [');
    }
    const model = (body as { model?: unknown } | undefined)?.model;
    if (b.rejectUnknownModels && typeof model === 'string' && !b.models.includes(model)) {
      const { status, ...rest } = wire.unknownModel(model);
      return sendJson(res, status, wire.errorBody(status, rest));
    }
    const route =
      wire.routes[`${recorded.method} ${path.startsWith(basePath) ? path.slice(basePath.length) : path}`];
    if (!route)
      return sendJson(res, 404, wire.errorBody(404, { message: `no route for ${recorded.method} ${path}` }));
    try {
      await route({ req: recorded, res, behavior: b, markDropped: () => dropped.add(res) });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, wire.errorBody(500, { message: String(err) }));
      else res.destroy();
    }
  };
  // A client that vanishes mid-upload must not become an unhandled rejection in the test run.
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    get aborts() {
      return abortCount();
    },
    waitForAborts(count = 1, timeoutMs = 2000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake upstream saw ${abortCount()} aborts, not ${count}`)),
          timeoutMs,
        );
        const check = (): void => {
          if (abortCount() < count) return;
          clearTimeout(timer);
          abortWaiters = abortWaiters.filter((w) => w !== check);
          resolve();
        };
        abortWaiters.push(check);
        check();
      });
    },
    setBehavior(patch) {
      behavior = { ...behavior, ...patch };
    },
    reset() {
      behavior = { ...DEFAULT_BEHAVIOR, ...start };
      requests.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
